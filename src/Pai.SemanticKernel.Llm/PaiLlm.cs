namespace Pai.SemanticKernel.Llm;

/// <summary>Entry points in the style of the seed package.</summary>
public static class PaiLlm
{
    /// <summary>Creates a router from environment variables (the seed's <c>createProvider()</c>); see <see cref="ModelRouter.FromEnvironment"/>.</summary>
    /// <returns>The router.</returns>
    public static ModelRouter CreateProvider() => ModelRouter.FromEnvironment();

    /// <summary>Creates a router from options.</summary>
    /// <param name="options">The configuration, for example <see cref="PaiPresets.Ollama"/>.</param>
    /// <returns>The router.</returns>
    public static ModelRouter CreateProvider(PaiLlmOptions options) => new(options);
}
