using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Builds <see cref="PaiLlmOptions"/> from environment variables, as the seed package did, plus cloud fallbacks.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>USE_OLLAMA=true</c> or <c>LLM_PROVIDER=ollama</c></term><description>the Ollama preset at <c>OLLAMA_ENDPOINT</c> (default <c>http://localhost:11434/v1</c>); otherwise the vLLM preset.</description></item>
/// <item><term><c>VLLM_ENDPOINT</c> or <c>LLM_ENDPOINT</c></term><description>the vLLM endpoint (default <c>http://vllm-service:8000/v1</c>).</description></item>
/// <item><term><c>VLLM_API_KEY</c> or <c>LLM_API_KEY</c></term><description>the vLLM API key (default: none).</description></item>
/// <item><term><c>PAI_DEFAULT_EFFORT</c></term><description><c>quick</c>, <c>standard</c> (default) or <c>determined</c>.</description></item>
/// <item><term><c>PAI_FALLBACK_ENDPOINT</c>, <c>PAI_FALLBACK_MODEL</c>, <c>PAI_FALLBACK_API_KEY</c></term><description>an OpenAI-compatible cloud fallback, backend <c>fallback</c>.</description></item>
/// <item><term><c>OPENAI_API_KEY</c> (with <c>OPENAI_MODEL</c>, default <c>gpt-4o-mini</c>, and <c>OPENAI_BASE_URL</c>)</term><description>OpenAI as a cloud fallback, backend <c>openai</c>.</description></item>
/// <item><term><c>ANTHROPIC_API_KEY</c> (with <c>ANTHROPIC_MODEL</c>, default <c>claude-haiku-4-5</c>, and <c>ANTHROPIC_BASE_URL</c>, default <c>https://api.anthropic.com</c>)</term><description>Anthropic as a cloud fallback after OpenAI, backend <c>anthropic</c>, with <c>MaxTokens</c> 4096.</description></item>
/// <item><term><c>PAI_CLOUD_FALLBACK=false</c></term><description>ignore <c>OPENAI_API_KEY</c> and <c>ANTHROPIC_API_KEY</c> even when set.</description></item>
/// </list>
/// </remarks>
internal static class PaiLlmEnvironment
{
    internal const string DefaultOpenAIModel = "gpt-4o-mini";

    /// <summary>The Anthropic counterpart of <see cref="DefaultOpenAIModel"/>: the small, fast model (an alias of the latest snapshot).</summary>
    internal const string DefaultAnthropicModel = "claude-haiku-4-5";

    /// <summary>The <c>max_tokens</c> of the Anthropic fallback, which the Messages API requires on every request.</summary>
    internal const int DefaultAnthropicMaxTokens = 4096;

    internal static PaiLlmOptions Read(Func<string, string?> lookup)
    {
        var errors = new List<string>();
        string? provider = Value(lookup, "LLM_PROVIDER");
        bool useOllama = IsTrue(Value(lookup, "USE_OLLAMA")) || string.Equals(provider, "ollama", StringComparison.OrdinalIgnoreCase);
        if (provider is not null && !useOllama && !string.Equals(provider, "vllm", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Environment variable LLM_PROVIDER '{provider}' is not known. Allowed values: vllm, ollama.");
        }

        PaiLlmOptions options;
        if (useOllama)
        {
            options = PaiPresets.OllamaAt(Endpoint(lookup, errors, PaiPresets.DefaultOllamaEndpoint, "OLLAMA_ENDPOINT"));
        }
        else
        {
            Uri endpoint = Endpoint(lookup, errors, PaiPresets.DefaultVllmEndpoint, "VLLM_ENDPOINT", "LLM_ENDPOINT");
            options = PaiPresets.Vllm(endpoint, Value(lookup, "VLLM_API_KEY") ?? Value(lookup, "LLM_API_KEY"));
        }

        if (Value(lookup, "PAI_DEFAULT_EFFORT") is { } effortText)
        {
            if (EffortParser.TryParseName(effortText, out EffortLevel effort))
            {
                options.DefaultEffort = effort;
            }
            else
            {
                errors.Add($"Environment variable PAI_DEFAULT_EFFORT '{effortText}' is not an effort level. Allowed values: {EffortParser.AllowedValues}.");
            }
        }

        string? fallbackEndpoint = Value(lookup, "PAI_FALLBACK_ENDPOINT");
        string? fallbackModel = Value(lookup, "PAI_FALLBACK_MODEL");
        if (fallbackEndpoint is not null || fallbackModel is not null)
        {
            if (fallbackEndpoint is null || fallbackModel is null)
            {
                errors.Add("Environment variables PAI_FALLBACK_ENDPOINT and PAI_FALLBACK_MODEL must be set together (PAI_FALLBACK_API_KEY is optional).");
            }
            else
            {
                AddFallback(options, "fallback", new BackendOptions
                {
                    Endpoint = Endpoint(lookup, errors, PaiPresets.DefaultVllmEndpoint, "PAI_FALLBACK_ENDPOINT"),
                    Model = fallbackModel,
                    ApiKey = Value(lookup, "PAI_FALLBACK_API_KEY"),
                });
            }
        }

        bool cloudAllowed = !IsFalse(Value(lookup, "PAI_CLOUD_FALLBACK"));
        if (cloudAllowed && Value(lookup, "OPENAI_API_KEY") is { } openAIKey)
        {
            AddFallback(options, "openai", new BackendOptions
            {
                Provider = BackendProviders.OpenAI,
                Endpoint = Endpoint(lookup, errors, OpenAICompatibleBackendProvider.OpenAIEndpoint, "OPENAI_BASE_URL"),
                Model = Value(lookup, "OPENAI_MODEL") ?? DefaultOpenAIModel,
                ApiKey = openAIKey,
            });
        }

        if (cloudAllowed && Value(lookup, "ANTHROPIC_API_KEY") is { } anthropicKey)
        {
            AddFallback(options, "anthropic", new BackendOptions
            {
                Provider = BackendProviders.Anthropic,
                Endpoint = Endpoint(lookup, errors, AnthropicBackendProvider.DefaultEndpoint, "ANTHROPIC_BASE_URL"),
                Model = Value(lookup, "ANTHROPIC_MODEL") ?? DefaultAnthropicModel,
                ApiKey = anthropicKey,
                MaxTokens = DefaultAnthropicMaxTokens,
            });
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException("environment", typeof(PaiLlmOptions), errors);
        }

        return options;
    }

    private static void AddFallback(PaiLlmOptions options, string name, BackendOptions backend)
    {
        options.Backends[name] = backend;
        options.Fallback.Add(name);
    }

    private static Uri Endpoint(Func<string, string?> lookup, List<string> errors, Uri fallback, params string[] names)
    {
        foreach (string name in names)
        {
            if (Value(lookup, name) is { } text)
            {
                if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && OpenAICompatibleBackendProvider.IsHttpUri(uri))
                {
                    return uri;
                }

                errors.Add($"Environment variable {name} '{SecretRedactor.Describe(Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out Uri? shown) ? shown : null)}' is not an absolute http(s) URI (for example http://vllm:8000/v1).");
                return fallback;
            }
        }

        return fallback;
    }

    private static string? Value(Func<string, string?> lookup, string name) => lookup(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static bool IsTrue(string? value) => value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" || value.Equals("yes", StringComparison.OrdinalIgnoreCase));

    private static bool IsFalse(string? value) => value is not null && (value.Equals("false", StringComparison.OrdinalIgnoreCase) || value == "0" || value.Equals("no", StringComparison.OrdinalIgnoreCase));
}
