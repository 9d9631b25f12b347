namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>What a scripted reply needs to know about the request it answers.</summary>
/// <param name="Model">The request's <c>"model"</c>, or <see langword="null"/>.</param>
/// <param name="Stream">Whether the request asked for Server-Sent Events.</param>
/// <param name="IncludeUsage">Whether a streamed reply ends with a usage chunk.</param>
internal sealed record ChatRequest(string? Model, bool Stream, bool IncludeUsage)
{
    /// <summary>A request that does not stream and names no model (e.g. <c>GET /v1/models</c>).</summary>
    public static ChatRequest NonStreaming { get; } = new(null, false, false);

    /// <summary>Reads the request's shape from its recorded body.</summary>
    public static ChatRequest From(RecordedRequest request)
    {
        var json = request.Json;
        return new ChatRequest(RequestBody.ReadModel(json), RequestBody.ReadStream(json), RequestBody.ReadIncludeUsage(json));
    }
}
