namespace Pai.WebApi;

/// <summary>The body of <c>POST /chat</c> and <c>POST /chat/stream</c>.</summary>
/// <param name="Message">One user message; or use <paramref name="Messages"/> for a conversation.</param>
/// <param name="Messages">The conversation, oldest first (roles <c>system</c>, <c>user</c>, <c>assistant</c>).</param>
/// <param name="Effort"><c>quick</c>, <c>standard</c> or <c>determined</c>; the server's default when absent.</param>
public sealed record ChatRequest(string? Message, IReadOnlyList<ChatTurn>? Messages, string? Effort);

/// <summary>One message of a conversation.</summary>
public sealed record ChatTurn(string? Role, string? Content);

/// <summary>The answer of <c>POST /chat</c>.</summary>
public sealed record ChatReply(string Text, string? Effort, string? Backend, string? Model, long? InputTokens, long? OutputTokens);

/// <summary>An <c>event: token</c> of <c>POST /chat/stream</c>: the next piece of the answer.</summary>
public sealed record TokenEvent(string Text);

/// <summary>The closing <c>event: done</c> of <c>POST /chat/stream</c>.</summary>
public sealed record DoneEvent(string? Effort, string? Backend, string? Model, string? FinishReason);

/// <summary>An <c>event: error</c> of <c>POST /chat/stream</c>: the answer broke off after it had started.</summary>
public sealed record ErrorEvent(string Title, string Detail);
