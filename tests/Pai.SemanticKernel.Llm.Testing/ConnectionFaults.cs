using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Breaks connections on purpose.</summary>
internal static class ConnectionFaults
{
    /// <summary>
    /// How long an abort waits after the last flush. Kestrel's abort resets the connection (TCP RST), and a reset
    /// makes the client's kernel discard data it has received but not yet read: without this pause the client
    /// would not even see the response headers.
    /// </summary>
    public static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(100);

    /// <summary>Aborts the connection of <paramref name="context"/> once what was flushed had time to be read.</summary>
    public static async Task AbortAsync(HttpContext context, CancellationToken lifetime)
    {
        try
        {
            await Task.Delay(AbortGrace, lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Already gone: abort anyway.
        }

        context.Abort();
    }
}
