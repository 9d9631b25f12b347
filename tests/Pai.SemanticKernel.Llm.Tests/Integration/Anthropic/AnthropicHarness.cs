using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Anthropic;

/// <summary>Builds routers with Anthropic backends on a <see cref="ScriptedAnthropicServer"/> over real HTTP on 127.0.0.1.</summary>
internal static class AnthropicHarness
{
    internal const string Claude = "claude-test-1";
    internal const string ApiKey = "sk-ant-api03-SECRET-key-0123456789";
    internal const int MaxTokens = 256;

    /// <summary>An Anthropic backend at <paramref name="endpoint"/> with generous test time budgets.</summary>
    internal static BackendOptions Backend(Uri endpoint, string model = Claude, Action<BackendOptions>? configure = null)
    {
        var backend = new BackendOptions
        {
            Provider = BackendProviders.Anthropic,
            Endpoint = endpoint,
            Model = model,
            ApiKey = ApiKey,
            MaxTokens = MaxTokens,
            FirstTokenTimeout = TimeSpan.FromSeconds(10),
            StallTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(backend);
        return backend;
    }

    /// <summary>A router whose every tier tries <paramref name="chain"/> in order.</summary>
    internal static ModelRouter Router(params (string Name, BackendOptions Backend)[] chain) => new(Options(chain));

    internal static PaiLlmOptions Options(params (string Name, BackendOptions Backend)[] chain)
    {
        var options = new PaiLlmOptions();
        foreach ((string name, BackendOptions backend) in chain)
        {
            options.Backends[name] = backend;
            foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
            {
                options.Tier(effort).Backends.Add(name);
            }
        }

        return options;
    }
}
