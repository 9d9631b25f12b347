namespace Pai.SemanticKernel.Llm;

/// <summary>
/// One backend: a model served at an endpoint. Binds to a <c>Backends:{name}</c> entry of the configuration section.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> never includes <see cref="ApiKey"/>, and neither does any message or log line of this library.
/// </remarks>
public sealed class BackendOptions
{
    /// <summary>Which protocol the backend speaks: <see cref="BackendProviders.OpenAICompatible"/> (the default: vLLM, Ollama, llama.cpp, any OpenAI-compatible server), <see cref="BackendProviders.OpenAI"/>, <see cref="BackendProviders.Anthropic"/>, or a provider from an add-on package.</summary>
    public string? Provider { get; set; }

    /// <summary>The API base address, for example <c>http://vllm-7b:8000/v1</c>; requests go to <c>{Endpoint}/chat/completions</c>. Optional for <see cref="BackendProviders.OpenAI"/> (defaults to <c>https://api.openai.com/v1</c>). For <see cref="BackendProviders.Anthropic"/>, the base address without <c>/v1</c> (requests go to <c>{Endpoint}/v1/messages</c>); optional, defaults to <c>https://api.anthropic.com</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model name the server serves, for example <c>Qwen/Qwen2.5-7B-Instruct</c> or <c>qwen2.5:7b</c>.</summary>
    public string? Model { get; set; }

    /// <summary>The API key, sent as a bearer token. Leave empty to send no <c>Authorization</c> header.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The output-token limit applied when a request sets none (<c>max_completion_tokens</c>). <see langword="null"/> leaves it to the server. Required for <see cref="BackendProviders.Anthropic"/> (<c>max_tokens</c>).</summary>
    public int? MaxTokens { get; set; }

    /// <summary>The model's context window, in tokens. Informational: reported by <see cref="ModelRouter.GetModelConfig"/>.</summary>
    public int? ContextLength { get; set; }

    /// <summary>The sampling temperature applied when a request sets none. Defaults to 0.7; <see langword="null"/> leaves it to the server.</summary>
    public float? Temperature { get; set; } = 0.7f;

    /// <summary>The longest wait for a TCP (and TLS) connection to the backend. Default 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest wait for the first token of a streamed response, or for the whole response when not streaming.
    /// Default 60 seconds. Raise it for long non-streamed generations.
    /// </summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest silence allowed between two updates of a streamed response once tokens flow. Default 30 seconds.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest <c>Retry-After</c> of a 429 answer that is waited out to retry this backend once (when it also fits
    /// in the request's remaining time). A longer one fails over at once. Default 2 seconds; <see cref="TimeSpan.Zero"/> never waits.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Embedded provider only: path of the GGUF model file.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Embedded provider only: the context size, in tokens.</summary>
    public int? ContextSize { get; set; }

    /// <summary>Embedded provider only: the number of CPU threads used for inference.</summary>
    public int? Threads { get; set; }

    /// <summary>Embedded provider only: where to download the model from when <see cref="ModelPath"/> is missing.</summary>
    public Uri? DownloadUrl { get; set; }

    /// <summary>Embedded provider only: the expected SHA-256 of the downloaded model, in hexadecimal.</summary>
    public string? Sha256 { get; set; }

    /// <summary>Returns the provider, model and endpoint; never the API key.</summary>
    /// <returns>A description of the backend without secrets.</returns>
    public override string ToString() =>
        $"{BackendProviders.Normalize(Provider)} model '{Model}' at {SecretRedactor.Describe(Endpoint)}{(string.IsNullOrEmpty(ApiKey) ? "" : " (API key set)")}";

    /// <summary>Returns a copy whose later changes do not affect this instance.</summary>
    internal BackendOptions Clone() => (BackendOptions)MemberwiseClone();
}
