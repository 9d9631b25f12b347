using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Writes a JSON reply, or its non-streaming analogue of a <see cref="StreamFault"/>.</summary>
internal static class JsonReplyWriter
{
    /// <summary>
    /// Writes <paramref name="json"/>. With a fault: an error event becomes a <c>500</c> with the error document;
    /// abort, stall and cut send the first half of the body (chunked), then abort, hang, or end the response.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, string json, StreamFault? fault, CancellationToken lifetime)
    {
        if (fault is null)
        {
            await ReplyWriter.WriteJsonAsync(context, StatusCodes.Status200OK, json, lifetime).ConfigureAwait(false);
            return;
        }

        if (fault.Kind == StreamFaultKind.ErrorEvent)
        {
            var error = OpenAIPayloads.Error(fault.Message, SseReplyWriter.ErrorEventType, StatusCodes.Status500InternalServerError);
            await ReplyWriter.WriteJsonAsync(context, StatusCodes.Status500InternalServerError, error.ToJsonString(), lifetime)
                .ConfigureAwait(false);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), lifetime).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(lifetime).ConfigureAwait(false);

        switch (fault.Kind)
        {
            case StreamFaultKind.Abort:
                await ConnectionFaults.AbortAsync(context, lifetime).ConfigureAwait(false);
                break;
            case StreamFaultKind.Stall:
                await ReplyWriter.HangAsync(context, lifetime).ConfigureAwait(false);
                break;
            case StreamFaultKind.Cut:
                break;
        }
    }
}
