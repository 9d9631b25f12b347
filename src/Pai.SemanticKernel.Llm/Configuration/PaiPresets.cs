namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Ready-made configurations, as in the package this library replaces: three Qwen 2.5 models for the three effort tiers.
/// Each property returns a new instance, so changing one does not change the next.
/// </summary>
public static class PaiPresets
{
    /// <summary>The default vLLM endpoint of the presets: <c>http://vllm-service:8000/v1</c>.</summary>
    public static readonly Uri DefaultVllmEndpoint = new("http://vllm-service:8000/v1");

    /// <summary>The default Ollama endpoint: <c>http://localhost:11434/v1</c>.</summary>
    public static readonly Uri DefaultOllamaEndpoint = new("http://localhost:11434/v1");

    /// <summary>
    /// vLLM at <c>http://vllm-service:8000/v1</c> (the seed's <c>DEFAULT_VLLM_CONFIG</c>): quick <c>Qwen/Qwen2.5-7B-Instruct</c>
    /// (2048 tokens, 32768 context), standard <c>Qwen/Qwen2.5-32B-Instruct</c> (4096, 32768), determined
    /// <c>Qwen/Qwen2.5-72B-Instruct</c> (8192, 65536); backends <c>vllm-7b</c>, <c>vllm-32b</c>, <c>vllm-72b</c>.
    /// </summary>
    public static PaiLlmOptions DefaultVllm => Vllm(DefaultVllmEndpoint);

    /// <summary>
    /// Ollama at <c>http://localhost:11434/v1</c> (the seed's <c>OLLAMA_CONFIG</c>): <c>qwen2.5:7b</c>, <c>qwen2.5:32b</c>,
    /// <c>qwen2.5:72b</c> with the same limits; backends <c>ollama-7b</c>, <c>ollama-32b</c>, <c>ollama-72b</c>.
    /// </summary>
    public static PaiLlmOptions Ollama => OllamaAt(DefaultOllamaEndpoint);

    /// <summary>The vLLM preset at another endpoint.</summary>
    /// <param name="endpoint">The vLLM server's <c>/v1</c> address.</param>
    /// <param name="apiKey">The API key, if the server requires one.</param>
    /// <returns>A new options instance.</returns>
    public static PaiLlmOptions Vllm(Uri endpoint, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return Build("vllm", endpoint, apiKey, "Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-32B-Instruct", "Qwen/Qwen2.5-72B-Instruct");
    }

    /// <summary>The Ollama preset at another endpoint.</summary>
    /// <param name="endpoint">The Ollama server's <c>/v1</c> address.</param>
    /// <returns>A new options instance.</returns>
    public static PaiLlmOptions OllamaAt(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return Build("ollama", endpoint, apiKey: null, "qwen2.5:7b", "qwen2.5:32b", "qwen2.5:72b");
    }

    private static PaiLlmOptions Build(string prefix, Uri endpoint, string? apiKey, string small, string medium, string large)
    {
        var options = new PaiLlmOptions { DefaultEffort = EffortLevel.Standard };
        Add(options, EffortLevel.Quick, $"{prefix}-7b", new BackendOptions { Endpoint = endpoint, Model = small, ApiKey = apiKey, MaxTokens = 2048, ContextLength = 32768 });
        Add(options, EffortLevel.Standard, $"{prefix}-32b", new BackendOptions { Endpoint = endpoint, Model = medium, ApiKey = apiKey, MaxTokens = 4096, ContextLength = 32768 });
        Add(options, EffortLevel.Determined, $"{prefix}-72b", new BackendOptions { Endpoint = endpoint, Model = large, ApiKey = apiKey, MaxTokens = 8192, ContextLength = 65536 });
        return options;
    }

    private static void Add(PaiLlmOptions options, EffortLevel effort, string name, BackendOptions backend)
    {
        options.Backends[name] = backend;
        options.Tier(effort).Backends.Add(name);
    }
}
