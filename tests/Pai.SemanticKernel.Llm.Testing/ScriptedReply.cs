using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>
/// An immutable description of how <see cref="ScriptedOpenAIServer"/> answers one request.
/// Build one with a factory method (<see cref="Text"/>, <see cref="ToolCall"/>, <see cref="Status"/>, ...)
/// and refine it with modifiers (<see cref="After"/>, <see cref="WithHeader"/>, <see cref="AbortAfterChunks"/>, ...);
/// every modifier returns a new instance.
/// </summary>
/// <remarks>
/// <para>
/// Content replies (<see cref="Text"/> and <see cref="ToolCall"/>) answer a chat completion JSON document, or
/// Server-Sent Events when the request body has <c>"stream": true</c>. On <c>GET /v1/models</c> they answer the
/// served model list.
/// </para>
/// <para>
/// Stream faults (<see cref="AbortAfterChunks"/>, <see cref="StallAfterChunks"/>, <see cref="CutAfterChunks"/>,
/// <see cref="ErrorEventAfterChunks"/>) apply to content replies only; the last one set wins. For a request that
/// does not stream, the chunk count is ignored and the fault hits the JSON body instead: abort, stall and cut
/// send the first half of the body (then abort, hang, or end the response), and an error event becomes a
/// <c>500</c> with the same error JSON.
/// </para>
/// </remarks>
public sealed record ScriptedReply
{
    /// <summary>The default number of content pieces a streamed reply is split into.</summary>
    public const int DefaultChunkCount = 3;

    private ScriptedReply(ScriptedReplyKind kind) => Kind = kind;

    internal ScriptedReplyKind Kind { get; }

    internal string Content { get; private init; } = string.Empty;

    internal string FinishReason { get; private init; } = "stop";

    internal int PromptTokens { get; private init; } = 5;

    internal int CompletionTokens { get; private init; } = 7;

    internal string FunctionName { get; private init; } = string.Empty;

    internal string ArgumentsJson { get; private init; } = "{}";

    internal string CallId { get; private init; } = "call_1";

    internal int StatusCode { get; private init; } = StatusCodes.Status200OK;

    internal string? Body { get; private init; }

    internal ImmutableList<KeyValuePair<string, string>> Headers { get; private init; } = [];

    internal TimeSpan Delay { get; private init; }

    internal int ChunkCount { get; private init; } = DefaultChunkCount;

    internal TimeSpan ChunkDelay { get; private init; }

    internal StreamFault? Fault { get; private init; }

    internal Func<HttpContext, Task>? Handler { get; private init; }

    /// <summary>An assistant text message.</summary>
    /// <param name="text">The message content; a streamed reply's content pieces concatenate to exactly this.</param>
    /// <param name="finishReason">The <c>finish_reason</c> sent with the reply.</param>
    /// <param name="promptTokens">The usage's <c>prompt_tokens</c>.</param>
    /// <param name="completionTokens">The usage's <c>completion_tokens</c>.</param>
    /// <returns>The reply.</returns>
    public static ScriptedReply Text(string text, string finishReason = "stop", int promptTokens = 5, int completionTokens = 7)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(finishReason);
        return new ScriptedReply(ScriptedReplyKind.Text) { Content = text, FinishReason = finishReason }
            .WithUsage(promptTokens, completionTokens);
    }

    /// <summary>
    /// An assistant message calling one function tool, with finish reason <c>tool_calls</c>. Streamed, the first
    /// chunk carries the role, call id and function name, and the arguments follow in pieces.
    /// </summary>
    /// <param name="functionName">The function's name.</param>
    /// <param name="argumentsJson">The arguments, as the JSON text the model would produce.</param>
    /// <param name="callId">The tool call id.</param>
    /// <returns>The reply.</returns>
    public static ScriptedReply ToolCall(string functionName, string argumentsJson, string callId = "call_1")
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        ArgumentNullException.ThrowIfNull(argumentsJson);
        ArgumentException.ThrowIfNullOrEmpty(callId);
        return new ScriptedReply(ScriptedReplyKind.ToolCall)
        {
            FunctionName = functionName,
            ArgumentsJson = argumentsJson,
            CallId = callId,
            FinishReason = "tool_calls",
        };
    }

    /// <summary>
    /// A response with <paramref name="statusCode"/>, for streaming and non-streaming requests alike.
    /// </summary>
    /// <param name="statusCode">The HTTP status code, 200 to 599 (204 and 304 are sent without a body).</param>
    /// <param name="body">
    /// The body to send; <see langword="null"/> sends an OpenAI-style error document
    /// <c>{"error":{"message":...,"type":...,"code":...}}</c>.
    /// </param>
    /// <returns>The reply.</returns>
    public static ScriptedReply Status(int statusCode, string? body = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new ScriptedReply(ScriptedReplyKind.Status) { StatusCode = statusCode, Body = body };
    }

    /// <summary>
    /// A <c>200</c> whose body is truncated JSON (<c>application/json</c>), or for a streaming request one SSE data
    /// event carrying invalid JSON.
    /// </summary>
    /// <returns>The reply.</returns>
    public static ScriptedReply MalformedJson() => new(ScriptedReplyKind.MalformedJson);

    /// <summary>A <c>200</c> with <c>Content-Length: 0</c>.</summary>
    /// <returns>The reply.</returns>
    public static ScriptedReply EmptyBody() => new(ScriptedReplyKind.EmptyBody);

    /// <summary>Never sends response headers; waits until the client aborts (or the server stops).</summary>
    /// <returns>The reply.</returns>
    public static ScriptedReply Hang() => new(ScriptedReplyKind.Hang);

    /// <summary>
    /// Lets <paramref name="handler"/> answer the request. The request body has already been read (see
    /// <see cref="ScriptedOpenAIServer.Requests"/>); <see cref="After"/> and <see cref="WithHeader"/> still apply.
    /// </summary>
    /// <param name="handler">Writes the response.</param>
    /// <returns>The reply.</returns>
    public static ScriptedReply Custom(Func<HttpContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new ScriptedReply(ScriptedReplyKind.Custom) { Handler = handler };
    }

    /// <summary>
    /// Waits <paramref name="delay"/> before sending the response headers. A client that aborts meanwhile ends the
    /// wait.
    /// </summary>
    /// <param name="delay">The delay; not negative.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply After(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return this with { Delay = delay };
    }

    /// <summary>Adds a response header (sent with any kind of reply).</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Headers = Headers.Add(new KeyValuePair<string, string>(name, value)) };
    }

    /// <summary>Adds a <c>Retry-After</c> header, in whole seconds (rounded up).</summary>
    /// <param name="retryAfter">The delay the client is asked to wait; not negative.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply WithRetryAfter(TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
        return WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Sets the token usage reported by a content reply.</summary>
    /// <param name="promptTokens">The usage's <c>prompt_tokens</c>.</param>
    /// <param name="completionTokens">The usage's <c>completion_tokens</c>.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply WithUsage(int promptTokens, int completionTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(completionTokens);
        return this with { PromptTokens = promptTokens, CompletionTokens = completionTokens };
    }

    /// <summary>
    /// Splits a streamed reply's text (on word boundaries) or tool call arguments into at most
    /// <paramref name="chunkCount"/> content chunks. The default is <see cref="DefaultChunkCount"/>.
    /// </summary>
    /// <param name="chunkCount">The maximum number of content chunks; at least 1.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply WithChunks(int chunkCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkCount, 1);
        return this with { ChunkCount = chunkCount };
    }

    /// <summary>Waits <paramref name="delay"/> between two SSE events of a streamed reply.</summary>
    /// <param name="delay">The delay; not negative.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply WithChunkDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return this with { ChunkDelay = delay };
    }

    /// <summary>
    /// Sends <paramref name="events"/> SSE data events (the role chunk counts as one), flushes, waits 100 ms so the
    /// client can read them, then aborts the connection (a TCP reset): the client sees the stream break mid-way.
    /// </summary>
    /// <param name="events">The number of events sent first; not negative.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply AbortAfterChunks(int events) => WithFault(StreamFaultKind.Abort, events);

    /// <summary>
    /// Sends <paramref name="events"/> SSE data events, then sends nothing more and keeps the connection open until
    /// the client aborts (or the server stops).
    /// </summary>
    /// <param name="events">The number of events sent first; not negative.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply StallAfterChunks(int events) => WithFault(StreamFaultKind.Stall, events);

    /// <summary>
    /// Sends <paramref name="events"/> SSE data events, then ends the response body cleanly, with no finish reason
    /// and no <c>data: [DONE]</c>.
    /// </summary>
    /// <param name="events">The number of events sent first; not negative.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply CutAfterChunks(int events) => WithFault(StreamFaultKind.Cut, events);

    /// <summary>
    /// Sends <paramref name="events"/> SSE data events, then
    /// <c>data: {"error":{"message":...,"type":"internal_error","code":500}}</c>, then ends the response
    /// (as vLLM does when generation fails mid-stream).
    /// </summary>
    /// <param name="events">The number of events sent first; not negative.</param>
    /// <param name="message">The error message.</param>
    /// <returns>A new reply.</returns>
    public ScriptedReply ErrorEventAfterChunks(int events, string message = "backend error")
    {
        ArgumentNullException.ThrowIfNull(message);
        return WithFault(StreamFaultKind.ErrorEvent, events, message);
    }

    /// <summary>Describes the reply, for test diagnostics.</summary>
    /// <returns>A short description.</returns>
    public override string ToString()
    {
        var what = Kind switch
        {
            ScriptedReplyKind.Text => $"Text(\"{Content}\", {FinishReason})",
            ScriptedReplyKind.ToolCall => $"ToolCall({FunctionName}, {ArgumentsJson})",
            ScriptedReplyKind.Status => $"Status({StatusCode})",
            _ => Kind.ToString(),
        };
        var delay = Delay > TimeSpan.Zero ? $" after {Delay}" : string.Empty;
        var fault = Fault is null ? string.Empty : $" {Fault.Kind} after {Fault.AfterEvents} events";
        return $"{nameof(ScriptedReply)} {what}{delay}{fault}";
    }

    private ScriptedReply WithFault(StreamFaultKind kind, int events, string message = "backend error")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        return this with { Fault = new StreamFault(kind, events, message) };
    }
}
