using System.Net;
using System.Text.Json;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Probes an Anthropic backend through the Models API: <c>GET {endpoint}/v1/models</c> (reachable, key accepted, models
/// listed), then, when the configured model is not listed by its exact id, <c>GET {endpoint}/v1/models/{model}</c>.
/// </summary>
/// <remarks>
/// <para>The second request is there for aliases: the list names dated ids (<c>claude-haiku-4-5-20251001</c>) while
/// configurations usually name an alias (<c>claude-haiku-4-5</c>), which only the single-model endpoint resolves.</para>
/// <para>Hand-written over <see cref="HttpClient"/>, as <see cref="ModelsEndpointProbe"/> is, rather than through the SDK's
/// model service: a probe authenticates with Anthropic's documented <c>x-api-key</c> and <c>anthropic-version</c> headers,
/// goes through no retry policy, and reports HTTP failures in the same words for every provider.</para>
/// </remarks>
internal static class AnthropicModelsProbe
{
    /// <summary>The API version the probe asks for; the Models API has been stable under it.</summary>
    internal const string ApiVersion = "2023-06-01";

    /// <summary>The most models one list page holds (Anthropic's maximum for <c>limit</c>).</summary>
    private const int PageLimit = 1000;

    internal static async Task<BackendHealthReport> ProbeAsync(BackendContext context, Uri endpoint, CancellationToken cancellationToken)
    {
        string describedEndpoint = SecretRedactor.Describe(endpoint);
        string provider = BackendProviders.Normalize(context.Options.Provider);
        TimeProvider time = context.Services.TimeProvider;
        long started = time.GetTimestamp();
        HttpClient http = context.GetHttpClient();
        try
        {
            IReadOnlyList<string> models;
            using (HttpResponseMessage list = await GetAsync(http, context.Options, ApiUri(endpoint, $"v1/models?limit={PageLimit}"), cancellationToken).ConfigureAwait(false))
            {
                if (!list.IsSuccessStatusCode)
                {
                    return new BackendHealthReport(context.Name, provider, describedEndpoint, context.Model,
                        Reachable: false, ModelListed: null, time.GetElapsedTime(started), $"GET /v1/models answered HTTP {(int)list.StatusCode} {list.ReasonPhrase}.");
                }

                models = await ModelsEndpointProbe.ReadModelIdsAsync(list, cancellationToken).ConfigureAwait(false);
            }

            bool? listed = models.Contains(context.Model, StringComparer.Ordinal) ? true : await IsServedAsync(http, context, endpoint, cancellationToken).ConfigureAwait(false);
            string? error = listed switch
            {
                true => null,
                false => $"Model '{context.Model}' is not among the {models.Count} model(s) served, nor an alias of one: {ModelsEndpointProbe.Preview(models)}.",
                null => $"Model '{context.Model}' is not among the {models.Count} model(s) listed, and GET /v1/models/{context.Model} did not say whether it is served.",
            };
            return new BackendHealthReport(context.Name, provider, describedEndpoint, context.Model,
                Reachable: true, listed, time.GetElapsedTime(started), error)
            {
                ListedModels = models,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or NotSupportedException)
        {
            // Cancellation (including the caller's probe timeout) propagates; the router turns its own timeout into a report.
            string error = $"{ex.GetType().Name}: {ex.Message}";
            return new BackendHealthReport(context.Name, provider, describedEndpoint, context.Model,
                Reachable: false, ModelListed: null, time.GetElapsedTime(started), SecretRedactor.Redact(error, [context.Options.ApiKey]));
        }
    }

    /// <summary><c>{endpoint}/{relative}</c>, keeping any path prefix of the endpoint (a proxy's, for example).</summary>
    internal static Uri ApiUri(Uri endpoint, string relative) => new(endpoint.AbsoluteUri.TrimEnd('/') + "/" + relative);

    /// <summary>Asks the single-model endpoint, which resolves aliases: 200 served, 404 not served, anything else unknown.</summary>
    private static async Task<bool?> IsServedAsync(HttpClient http, BackendContext context, Uri endpoint, CancellationToken cancellationToken)
    {
        Uri uri = ApiUri(endpoint, "v1/models/" + Uri.EscapeDataString(context.Model));
        using HttpResponseMessage response = await GetAsync(http, context.Options, uri, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? true : response.StatusCode == HttpStatusCode.NotFound ? false : null;
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, BackendOptions options, Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("x-api-key", options.ApiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }
}
