namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>How a streamed (or, by analogy, a JSON) reply goes wrong after a number of SSE events.</summary>
internal enum StreamFaultKind
{
    /// <summary>Abort the connection (<c>HttpContext.Abort()</c>).</summary>
    Abort,

    /// <summary>Keep the connection open without sending anything more.</summary>
    Stall,

    /// <summary>End the response body cleanly, without a finish reason or <c>[DONE]</c>.</summary>
    Cut,

    /// <summary>Send an SSE <c>{"error":{...}}</c> event, then end the response (as vLLM does).</summary>
    ErrorEvent,
}

/// <summary>A fault injected into a reply after <paramref name="AfterEvents"/> SSE data events.</summary>
/// <param name="Kind">What goes wrong.</param>
/// <param name="AfterEvents">How many SSE data events are sent first (the role chunk counts as one).</param>
/// <param name="Message">The error message, for <see cref="StreamFaultKind.ErrorEvent"/>.</param>
internal sealed record StreamFault(StreamFaultKind Kind, int AfterEvents, string Message = "backend error");
