namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>What a <see cref="ScriptedReply"/> answers with, before modifiers are applied.</summary>
internal enum ScriptedReplyKind
{
    /// <summary>An assistant text message (JSON or SSE).</summary>
    Text,

    /// <summary>An assistant message with one function tool call (JSON or SSE).</summary>
    ToolCall,

    /// <summary>A status code with an error body.</summary>
    Status,

    /// <summary>A 200 response whose body is not valid JSON.</summary>
    MalformedJson,

    /// <summary>A 200 response with an empty body.</summary>
    EmptyBody,

    /// <summary>No response at all until the client gives up.</summary>
    Hang,

    /// <summary>A caller-supplied handler.</summary>
    Custom,
}
