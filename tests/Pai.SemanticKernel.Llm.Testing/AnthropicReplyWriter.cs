using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Answers one request of a <see cref="ScriptedAnthropicServer"/> as a <see cref="ScriptedReply"/> describes, in Anthropic's formats.</summary>
internal static class AnthropicReplyWriter
{
    private const string MalformedMessage = """{"id":"msg_malformed","type":"message","role":"assistant","content":[{"type":"text","text":"trunc""";

    private const string MalformedEvent = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_malformed\n\n";

    /// <summary>Answers <c>POST /v1/messages</c>.</summary>
    public static async Task WriteMessageAsync(HttpContext context, ScriptedReply reply, string? model, bool stream, CancellationToken lifetime)
    {
        string requestId = await BeginAsync(context, reply, lifetime).ConfigureAwait(false);
        string messageId = "msg_" + Guid.NewGuid().ToString("N")[..24];
        switch (reply.Kind)
        {
            case ScriptedReplyKind.Text or ScriptedReplyKind.ToolCall when stream:
                await WriteEventsAsync(context, AnthropicPayloads.StreamEvents(reply, model, messageId), reply.Fault, reply.ChunkDelay, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.Text or ScriptedReplyKind.ToolCall when reply.Fault?.Kind == StreamFaultKind.ErrorEvent:
                // The non-streaming analogue of an error event: the status Anthropic sends for the same error type.
                string error = AnthropicPayloads.Error(AnthropicPayloads.OverloadedError, reply.Fault.Message, requestId).ToJsonString();
                await ReplyWriter.WriteJsonAsync(context, AnthropicPayloads.OverloadedStatus, error, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.Text or ScriptedReplyKind.ToolCall:
                await JsonReplyWriter.WriteAsync(context, AnthropicPayloads.Message(reply, model, messageId).ToJsonString(), reply.Fault, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.MalformedJson when stream:
                await StartEventStreamAsync(context, lifetime).ConfigureAwait(false);
                await context.Response.WriteAsync(MalformedEvent, lifetime).ConfigureAwait(false);
                break;
            default:
                await WriteOtherAsync(context, reply, requestId, stream, MalformedMessage, lifetime).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Answers <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: content replies answer <paramref name="content"/>.</summary>
    public static async Task WriteModelsAsync(HttpContext context, ScriptedReply reply, int statusCode, string content, CancellationToken lifetime)
    {
        string requestId = await BeginAsync(context, reply, lifetime).ConfigureAwait(false);
        if (reply.Kind is ScriptedReplyKind.Text or ScriptedReplyKind.ToolCall)
        {
            await ReplyWriter.WriteJsonAsync(context, statusCode, content, lifetime).ConfigureAwait(false);
            return;
        }

        await WriteOtherAsync(context, reply, requestId, stream: false, """{"data":[{"type":"model","id":"trunc""", lifetime).ConfigureAwait(false);
    }

    /// <summary>Applies the reply's delay and headers, and gives the response a <c>request-id</c>, as Anthropic does.</summary>
    private static async Task<string> BeginAsync(HttpContext context, ScriptedReply reply, CancellationToken lifetime)
    {
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, lifetime).ConfigureAwait(false);
        }

        string requestId = "req_" + Guid.NewGuid().ToString("N")[..24];
        context.Response.Headers["request-id"] = requestId;
        foreach (var (name, value) in reply.Headers)
        {
            context.Response.Headers.Append(name, value);
        }

        return requestId;
    }

    private static async Task WriteOtherAsync(HttpContext context, ScriptedReply reply, string requestId, bool stream, string malformed, CancellationToken lifetime)
    {
        switch (reply.Kind)
        {
            case ScriptedReplyKind.Status:
                await WriteStatusAsync(context, reply, requestId, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.MalformedJson:
                await ReplyWriter.WriteJsonAsync(context, StatusCodes.Status200OK, malformed, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.EmptyBody:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = stream ? SseReplyWriter.ContentType : "application/json";
                context.Response.ContentLength = 0;
                break;
            case ScriptedReplyKind.Hang:
                await ReplyWriter.HangAsync(context, lifetime).ConfigureAwait(false);
                break;
            case ScriptedReplyKind.Custom:
                await reply.Handler!(context).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"Unknown reply kind {reply.Kind}.");
        }
    }

    private static async Task WriteStatusAsync(HttpContext context, ScriptedReply reply, string requestId, CancellationToken lifetime)
    {
        int statusCode = reply.StatusCode;
        if (statusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            context.Response.StatusCode = statusCode;
            return;
        }

        string body = reply.Body ?? AnthropicPayloads.StatusError(statusCode, requestId).ToJsonString();
        if (body.AsSpan().TrimStart().StartsWith("{"))
        {
            await ReplyWriter.WriteJsonAsync(context, statusCode, body, lifetime).ConfigureAwait(false);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, lifetime).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the response headers, then <paramref name="events"/> (all of them, or the first
    /// <see cref="StreamFault.AfterEvents"/> followed by the fault), flushing after each.
    /// </summary>
    private static async Task WriteEventsAsync(HttpContext context, IReadOnlyList<SseEvent> events, StreamFault? fault, TimeSpan chunkDelay, CancellationToken lifetime)
    {
        await StartEventStreamAsync(context, lifetime).ConfigureAwait(false);
        int count = fault is null ? events.Count : Math.Min(fault.AfterEvents, events.Count);
        for (int i = 0; i < count; i++)
        {
            if (i > 0 && chunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(chunkDelay, lifetime).ConfigureAwait(false);
            }

            await WriteEventAsync(context.Response, events[i], lifetime).ConfigureAwait(false);
        }

        switch (fault?.Kind)
        {
            case null or StreamFaultKind.Cut:
                return;
            case StreamFaultKind.Abort:
                await ConnectionFaults.AbortAsync(context, lifetime).ConfigureAwait(false);
                return;
            case StreamFaultKind.Stall:
                await ReplyWriter.HangAsync(context, lifetime).ConfigureAwait(false);
                return;
            case StreamFaultKind.ErrorEvent:
                var error = new SseEvent("error", AnthropicPayloads.Error(AnthropicPayloads.OverloadedError, fault.Message));
                await WriteEventAsync(context.Response, error, lifetime).ConfigureAwait(false);
                return;
        }
    }

    private static async Task StartEventStreamAsync(HttpContext context, CancellationToken lifetime)
    {
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = SseReplyWriter.ContentType;
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(lifetime).ConfigureAwait(false);
        await response.Body.FlushAsync(lifetime).ConfigureAwait(false);
    }

    private static async Task WriteEventAsync(HttpResponse response, SseEvent sseEvent, CancellationToken lifetime)
    {
        await response.WriteAsync(sseEvent.ToWire(), lifetime).ConfigureAwait(false);
        await response.Body.FlushAsync(lifetime).ConfigureAwait(false);
    }
}
