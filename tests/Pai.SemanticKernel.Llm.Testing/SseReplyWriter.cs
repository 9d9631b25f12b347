using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Streams SSE <c>data:</c> events, flushing after each, and injects a <see cref="StreamFault"/>.</summary>
internal static class SseReplyWriter
{
    /// <summary>The content type of an SSE response.</summary>
    public const string ContentType = "text/event-stream";

    /// <summary>The error type of the event sent by <see cref="StreamFaultKind.ErrorEvent"/>.</summary>
    public const string ErrorEventType = "internal_error";

    /// <summary>
    /// Sends the response headers, then <paramref name="payloads"/> as <c>data:</c> events (all of them, or the
    /// first <see cref="StreamFault.AfterEvents"/> followed by the fault).
    /// </summary>
    public static async Task WriteAsync(
        HttpContext context, IReadOnlyList<string> payloads, StreamFault? fault, TimeSpan chunkDelay, CancellationToken lifetime)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(lifetime).ConfigureAwait(false);
        await response.Body.FlushAsync(lifetime).ConfigureAwait(false);

        var count = fault is null ? payloads.Count : Math.Min(fault.AfterEvents, payloads.Count);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                await PauseAsync(chunkDelay, lifetime).ConfigureAwait(false);
            }

            await WriteEventAsync(response, payloads[i], lifetime).ConfigureAwait(false);
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
                if (count > 0)
                {
                    await PauseAsync(chunkDelay, lifetime).ConfigureAwait(false);
                }

                var error = OpenAIPayloads.Error(fault.Message, ErrorEventType, StatusCodes.Status500InternalServerError);
                await WriteEventAsync(response, error.ToJsonString(), lifetime).ConfigureAwait(false);
                return;
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, string payload, CancellationToken lifetime)
    {
        await response.WriteAsync($"data: {payload}\n\n", lifetime).ConfigureAwait(false);
        await response.Body.FlushAsync(lifetime).ConfigureAwait(false);
    }

    private static Task PauseAsync(TimeSpan delay, CancellationToken lifetime) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, lifetime) : Task.CompletedTask;
}
