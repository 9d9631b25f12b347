using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Answers one request as a <see cref="ScriptedReply"/> describes.</summary>
internal static class ReplyWriter
{
    private const string JsonContentType = "application/json";

    private const string MalformedCompletion =
        """{"id":"chatcmpl-malformed","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"trunc""";

    private const string MalformedChunk =
        """{"id":"chatcmpl-malformed","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"trunc""";

    /// <summary>Answers a chat completion request.</summary>
    public static Task WriteChatAsync(
        HttpContext context, ScriptedReply reply, ChatRequest request, CancellationToken lifetime) =>
        WriteAsync(
            context,
            reply,
            request,
            () => OpenAIPayloads.Completion(reply, request, NewCompletionId(), UnixNow()).ToJsonString(),
            lifetime);

    /// <summary>Answers <c>GET /v1/models</c>; content replies answer the model list.</summary>
    public static Task WriteModelsAsync(
        HttpContext context, ScriptedReply reply, IReadOnlyList<string> modelIds, CancellationToken lifetime) =>
        WriteAsync(context, reply, ChatRequest.NonStreaming, () => OpenAIPayloads.ModelList(modelIds).ToJsonString(), lifetime);

    /// <summary>Writes <paramref name="json"/> as a complete <c>application/json</c> response.</summary>
    public static async Task WriteJsonAsync(HttpContext context, int statusCode, string json, CancellationToken lifetime)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, lifetime).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="lifetime"/> is cancelled, then aborts the connection.</summary>
    public static async Task HangAsync(HttpContext context, CancellationToken lifetime)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the server stops: either way, this response never completes.
        }

        context.Abort();
    }

    private static async Task WriteAsync(
        HttpContext context, ScriptedReply reply, ChatRequest request, Func<string> content, CancellationToken lifetime)
    {
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, lifetime).ConfigureAwait(false);
        }

        foreach (var (name, value) in reply.Headers)
        {
            context.Response.Headers.Append(name, value);
        }

        switch (reply.Kind)
        {
            case ScriptedReplyKind.Text or ScriptedReplyKind.ToolCall when request.Stream:
                var events = OpenAIPayloads.StreamEvents(reply, request, NewCompletionId(), UnixNow());
                await SseReplyWriter.WriteAsync(context, events, reply.Fault, reply.ChunkDelay, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.Text or ScriptedReplyKind.ToolCall:
                await JsonReplyWriter.WriteAsync(context, content(), reply.Fault, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.Status:
                await WriteStatusAsync(context, reply, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.MalformedJson when request.Stream:
                await SseReplyWriter.WriteAsync(context, [MalformedChunk], fault: null, TimeSpan.Zero, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.MalformedJson:
                await WriteJsonAsync(context, StatusCodes.Status200OK, MalformedCompletion, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.EmptyBody:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = request.Stream ? SseReplyWriter.ContentType : JsonContentType;
                context.Response.ContentLength = 0;
                break;
            case ScriptedReplyKind.Hang:
                await HangAsync(context, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.Custom:
                await reply.Handler!(context).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"Unknown reply kind {reply.Kind}.");
        }
    }

    private static async Task WriteStatusAsync(HttpContext context, ScriptedReply reply, CancellationToken lifetime)
    {
        var statusCode = reply.StatusCode;
        if (statusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            context.Response.StatusCode = statusCode;
            return;
        }

        var body = reply.Body ?? OpenAIPayloads.StatusError(statusCode).ToJsonString();
        if (LooksLikeJson(body))
        {
            await WriteJsonAsync(context, statusCode, body, lifetime).ConfigureAwait(false);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, lifetime).ConfigureAwait(false);
    }

    private static bool LooksLikeJson(string body)
    {
        var trimmed = body.AsSpan().TrimStart();
        return trimmed.StartsWith("{") || trimmed.StartsWith("[");
    }

    private static string NewCompletionId() => "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];

    private static long UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
