using System.Diagnostics.CodeAnalysis;

namespace Pai.SemanticKernel.Llm;

/// <summary>The providers a router knows: the built-in ones, then those from <see cref="ModelRouterServices.Providers"/>.</summary>
internal sealed class BackendProviderRegistry
{
    private readonly Dictionary<string, IChatBackendProvider> _providers = new(StringComparer.OrdinalIgnoreCase);

    internal BackendProviderRegistry(IEnumerable<IChatBackendProvider> extra)
    {
        Add(OpenAICompatibleBackendProvider.Compatible);
        Add(OpenAICompatibleBackendProvider.OpenAI);
        Add(new AnthropicBackendProvider());
        foreach (IChatBackendProvider provider in extra)
        {
            Add(provider);
        }
    }

    internal bool TryGet(string name, [NotNullWhen(true)] out IChatBackendProvider? provider) => _providers.TryGetValue(name, out provider);

    internal IChatBackendProvider Get(string name) => _providers[name];

    internal string Describe()
    {
        var names = _providers.Keys.ToList();
        if (!names.Contains(BackendProviders.Embedded, StringComparer.OrdinalIgnoreCase))
        {
            names.Add($"{BackendProviders.Embedded} (needs the Pai.SemanticKernel.Llm.Embedded package)");
        }

        return string.Join(", ", names.Select(n => n == BackendProviders.OpenAICompatible ? n + " (default; aliases vllm, ollama)" : n));
    }

    private void Add(IChatBackendProvider provider) => _providers[provider.Name] = provider;
}
