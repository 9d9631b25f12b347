using System.Text.Json.Nodes;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>One request received by <see cref="ScriptedOpenAIServer"/>, recorded before it was answered.</summary>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">The request path, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Headers">The request headers (names case-insensitive; repeated values joined with <c>", "</c>).</param>
/// <param name="Body">The request body as text (empty when there was none).</param>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body parsed as JSON, or <see langword="null"/> when it is not JSON. Each call parses afresh.</summary>
    public JsonNode? Json => RequestBody.Parse(Body);

    /// <summary>The body's <c>"model"</c> field, or <see langword="null"/>.</summary>
    public string? Model => RequestBody.ReadModel(Json);

    /// <summary>Whether the body has <c>"stream": true</c>.</summary>
    public bool Stream => RequestBody.ReadStream(Json);

    /// <summary>The <c>Authorization</c> header, or <see langword="null"/>.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    /// <summary>Whether this is a chat completion request (<c>POST /v1/chat/completions</c>).</summary>
    public bool IsChatCompletion =>
        string.Equals(Method, "POST", StringComparison.OrdinalIgnoreCase)
        && string.Equals(Path, ScriptedOpenAIServer.ChatCompletionsPath, StringComparison.Ordinal);
}
