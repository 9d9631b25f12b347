namespace Pai.SemanticKernel.Llm;

/// <summary>Names of the backend providers, as written in <see cref="BackendOptions.Provider"/>.</summary>
public static class BackendProviders
{
    /// <summary>Any OpenAI-compatible server: vLLM, Ollama (<c>/v1</c>), llama.cpp, LM Studio. The default. Aliases: <c>vllm</c>, <c>ollama</c>.</summary>
    public const string OpenAICompatible = "openai-compatible";

    /// <summary>The OpenAI API itself. <see cref="BackendOptions.Endpoint"/> defaults to <c>https://api.openai.com/v1</c>.</summary>
    public const string OpenAI = "openai";

    /// <summary>Anthropic's Messages API, through the official Anthropic SDK. Needs <see cref="BackendOptions.Model"/>, <see cref="BackendOptions.ApiKey"/> and <see cref="BackendOptions.MaxTokens"/>; <see cref="BackendOptions.Endpoint"/> defaults to <c>https://api.anthropic.com</c>.</summary>
    public const string Anthropic = "anthropic";

    /// <summary>In-process GGUF inference, from the Pai.SemanticKernel.Llm.Embedded package.</summary>
    public const string Embedded = "embedded";

    /// <summary>Maps a configured provider value (any case, aliases included) to its canonical name; unknown values come back lower-cased.</summary>
    internal static string Normalize(string? provider) => provider?.Trim().ToLowerInvariant() switch
    {
        null or "" or "openai-compatible" or "openai_compatible" or "vllm" or "ollama" => OpenAICompatible,
        { } other => other,
    };
}
