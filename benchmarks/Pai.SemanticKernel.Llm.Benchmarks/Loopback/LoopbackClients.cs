using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Pai.SemanticKernel.Llm.Benchmarks.Loopback;

/// <summary>The two sides of every loopback comparison, built the way their users build them.</summary>
internal static class LoopbackClients
{
    internal const string ApiKey = "bench-key";

    internal static readonly Microsoft.Extensions.AI.ChatMessage[] Messages = [new(ChatRole.User, "Say something short.")];

    /// <summary>The request options of the direct client: the router's request carries the same values plus an effort.</summary>
    internal static ChatOptions DirectOptions() => new() { MaxOutputTokens = 64, Temperature = 0.7f };

    internal static ChatOptions RouterOptions() => DirectOptions().WithEffort(EffortLevel.Standard);

    /// <summary>The OpenAI SDK's client as an application uses it without a router: SDK defaults but for the endpoint.</summary>
    internal static IChatClient Direct(Uri endpoint) =>
        new ChatClient(StaticOpenAIResponder.Model, new ApiKeyCredential(ApiKey), new OpenAIClientOptions { Endpoint = endpoint }).AsIChatClient();

    /// <summary>A <see cref="ModelRouter"/> whose standard tier tries <paramref name="chain"/> in order.</summary>
    internal static ModelRouter Router(IReadOnlyList<Uri> chain, Action<PaiLlmOptions>? configure = null)
    {
        var options = new PaiLlmOptions();
        for (int i = 0; i < chain.Count; i++)
        {
            string name = "backend" + i;
            options.Backends[name] = new BackendOptions { Endpoint = chain[i], Model = StaticOpenAIResponder.Model, ApiKey = ApiKey };
            options.Tier(EffortLevel.Standard).Backends.Add(name);
        }

        configure?.Invoke(options);
        return new ModelRouter(options);
    }
}
