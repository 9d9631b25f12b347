using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Integration;

/// <summary>Builds routers whose backends are models on a scripted server over real HTTP on 127.0.0.1.</summary>
internal static class RouterHarness
{
    internal const string Primary = "model-a";
    internal const string Secondary = "model-b";

    /// <summary>A router whose every tier tries <c>a</c> (model-a) then <c>b</c> (model-b), both on <paramref name="server"/>.</summary>
    internal static ModelRouter TwoBackends(ScriptedOpenAIServer server, Action<BackendOptions>? configure = null, Uri? primaryEndpoint = null, Action<PaiLlmOptions>? options = null)
    {
        var config = new PaiLlmOptions();
        config.Backends["a"] = Backend(primaryEndpoint ?? server.V1Endpoint, Primary, configure);
        config.Backends["b"] = Backend(server.V1Endpoint, Secondary, configure);
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            config.Tier(effort).Backends.Add("a");
            config.Tier(effort).Backends.Add("b");
        }

        options?.Invoke(config);
        return new ModelRouter(config);
    }

    internal static BackendOptions Backend(Uri endpoint, string model, Action<BackendOptions>? configure = null)
    {
        var backend = new BackendOptions
        {
            Endpoint = endpoint,
            Model = model,
            FirstTokenTimeout = TimeSpan.FromSeconds(10),
            StallTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(backend);
        return backend;
    }

    internal static List<ChatMessage> Hello() => [new(ChatRole.User, "hello")];

    internal static async Task<(List<ChatResponseUpdate> Updates, Exception? Error)> StreamAsync(IChatClient client, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(Hello(), options, cancellationToken))
            {
                updates.Add(update);
            }

            return (updates, null);
        }
        catch (Exception ex)
        {
            return (updates, ex);
        }
    }

    /// <summary>Runs one request streaming or not and returns the answer's text, served backend, or the exception.</summary>
    internal static async Task<Outcome> RunAsync(IChatClient client, bool streaming, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (streaming)
        {
            (List<ChatResponseUpdate> updates, Exception? error) = await StreamAsync(client, options, cancellationToken);
            string? backend = updates.FirstOrDefault()?.AdditionalProperties?.TryGetValue(PaiPropertyNames.Backend, out object? b) == true ? (string?)b : null;
            return new Outcome(string.Concat(updates.Select(u => u.Text)), backend, error, updates);
        }

        try
        {
            ChatResponse response = await client.GetResponseAsync(Hello(), options, cancellationToken);
            return new Outcome(response.Text, response.AdditionalProperties?[PaiPropertyNames.Backend] as string, null, []);
        }
        catch (Exception ex)
        {
            return new Outcome("", null, ex, []);
        }
    }

    internal sealed record Outcome(string Text, string? Backend, Exception? Error, List<ChatResponseUpdate> Updates);
}
