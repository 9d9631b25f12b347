using System.Diagnostics;
using System.Text.Json;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Probes an OpenAI-style <c>GET {endpoint}/models</c>: reachable, whether the configured model is listed, latency.
/// </summary>
/// <remarks>
/// Hand-written over <see cref="HttpClient"/> rather than the SDK's model client because that client cannot send a request
/// without credentials (keyless vLLM and Ollama), and a probe must not go through any retry policy.
/// </remarks>
internal static class ModelsEndpointProbe
{
    internal static async Task<BackendHealthReport> ProbeAsync(
        BackendContext context,
        Uri endpoint,
        Action<HttpRequestMessage, BackendOptions> authorize,
        CancellationToken cancellationToken)
    {
        string describedEndpoint = SecretRedactor.Describe(endpoint);
        long started = context.Services.TimeProvider.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ModelsUri(endpoint));
            authorize(request, context.Options);
            using HttpResponseMessage response = await context.GetHttpClient()
                .SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);

            TimeSpan latency = context.Services.TimeProvider.GetElapsedTime(started);
            if (!response.IsSuccessStatusCode)
            {
                return new BackendHealthReport(context.Name, BackendProviders.Normalize(context.Options.Provider), describedEndpoint, context.Model,
                    Reachable: false, ModelListed: null, latency, $"GET /models answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}{RedirectHint(response)}.");
            }

            IReadOnlyList<string> models = await ReadModelIdsAsync(response, cancellationToken).ConfigureAwait(false);
            bool listed = models.Contains(context.Model, StringComparer.Ordinal);
            return new BackendHealthReport(context.Name, BackendProviders.Normalize(context.Options.Provider), describedEndpoint, context.Model,
                Reachable: true, listed, latency,
                listed ? null : $"Model '{context.Model}' is not among the {models.Count} model(s) served: {Preview(models)}.")
            {
                ListedModels = models,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or NotSupportedException)
        {
            // Cancellation (including the caller's probe timeout) propagates; the router turns its own timeout into a report.
            TimeSpan latency = context.Services.TimeProvider.GetElapsedTime(started);
            string error = $"{ex.GetType().Name}: {ex.Message}";
            return new BackendHealthReport(context.Name, BackendProviders.Normalize(context.Options.Provider), describedEndpoint, context.Model,
                Reachable: false, ModelListed: null, latency, SecretRedactor.Redact(error, [context.Options.ApiKey]));
        }
    }

    private static string RedirectHint(HttpResponseMessage response) => Redirects.IsRedirect((int)response.StatusCode)
        ? ": " + Redirects.Describe(response.Headers.Location?.OriginalString)
        : "";

    internal static Uri ModelsUri(Uri endpoint)
    {
        string baseText = endpoint.AbsoluteUri;
        return new Uri(baseText.EndsWith('/') ? baseText + "models" : baseText + "/models");
    }

    /// <summary>Reads the ids of a model list, <c>{"data":[{"id":...}]}</c>, as both OpenAI and Anthropic answer it.</summary>
    internal static async Task<IReadOnlyList<string>> ReadModelIdsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using JsonDocument document = await JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);

        var ids = new List<string>();
        if (document.RootElement.ValueKind == JsonValueKind.Object &&
            document.RootElement.TryGetProperty("data", out JsonElement data) &&
            data.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement model in data.EnumerateArray())
            {
                if (model.ValueKind == JsonValueKind.Object && model.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String)
                {
                    ids.Add(id.GetString()!);
                }
            }
        }

        return ids;
    }

    internal static string Preview(IReadOnlyList<string> models) =>
        models.Count == 0 ? "(none)" : string.Join(", ", models.Take(5)) + (models.Count > 5 ? ", ..." : "");
}
