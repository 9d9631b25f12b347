using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Builds the JSON documents and SSE events Anthropic's Messages and Models APIs send.</summary>
internal static class AnthropicPayloads
{
    /// <summary>The model named in replies to requests that name none.</summary>
    public const string UnnamedModel = "scripted-claude";

    /// <summary>The <c>created_at</c> of every listed model.</summary>
    public const string ModelCreatedAt = "2025-10-01T00:00:00Z";

    /// <summary>The error type of the SSE <c>error</c> event a <see cref="StreamFaultKind.ErrorEvent"/> fault sends.</summary>
    public const string OverloadedError = "overloaded_error";

    /// <summary>Anthropic's status for <see cref="OverloadedError"/>.</summary>
    public const int OverloadedStatus = 529;

    /// <summary>A <c>message</c> document answering with <paramref name="reply"/>.</summary>
    public static JsonObject Message(ScriptedReply reply, string? model, string id) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model ?? UnnamedModel,
        ["content"] = new JsonArray(ContentBlock(reply, complete: true)),
        ["stop_reason"] = StopReason(reply),
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = reply.PromptTokens, ["output_tokens"] = reply.CompletionTokens },
    };

    /// <summary>
    /// The SSE events of a streamed answer, in order: <c>message_start</c>, <c>content_block_start</c>, the
    /// <c>content_block_delta</c>s, <c>content_block_stop</c>, <c>message_delta</c> (stop reason and usage), <c>message_stop</c>.
    /// </summary>
    public static IReadOnlyList<SseEvent> StreamEvents(ScriptedReply reply, string? model, string id)
    {
        var events = new List<SseEvent>
        {
            new("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = id,
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["model"] = model ?? UnnamedModel,
                    ["content"] = new JsonArray(),
                    ["stop_reason"] = null,
                    ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = reply.PromptTokens, ["output_tokens"] = 1 },
                },
            }),
            new("content_block_start", new JsonObject
            {
                ["type"] = "content_block_start",
                ["index"] = 0,
                ["content_block"] = ContentBlock(reply, complete: false),
            }),
        };

        IEnumerable<JsonObject> deltas = reply.Kind == ScriptedReplyKind.ToolCall
            ? TextChunker.SplitEvenly(reply.ArgumentsJson, reply.ChunkCount).Select(piece => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = piece })
            : TextChunker.SplitWords(reply.Content, reply.ChunkCount).Select(piece => new JsonObject { ["type"] = "text_delta", ["text"] = piece });
        foreach (JsonObject delta in deltas)
        {
            events.Add(new("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = delta }));
        }

        events.Add(new("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 }));
        events.Add(new("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(reply), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.CompletionTokens },
        }));
        events.Add(new("message_stop", new JsonObject { ["type"] = "message_stop" }));
        return events;
    }

    /// <summary>An Anthropic error document <c>{"type":"error","error":{"type":...,"message":...},"request_id":...}</c>.</summary>
    public static JsonObject Error(string type, string message, string? requestId = null)
    {
        var document = new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
        };
        if (requestId is not null)
        {
            document["request_id"] = requestId;
        }

        return document;
    }

    /// <summary>The error document a status reply sends by default.</summary>
    public static JsonObject StatusError(int statusCode, string requestId) => Error(
        ErrorType(statusCode),
        $"Scripted status {statusCode} ({(statusCode == OverloadedStatus ? "Overloaded" : ReasonPhrases.GetReasonPhrase(statusCode))}).",
        requestId);

    /// <summary>The <c>GET /v1/models</c> page.</summary>
    public static JsonObject ModelList(IReadOnlyList<string> modelIds) => new()
    {
        ["data"] = new JsonArray(modelIds.Select(id => (JsonNode)Model(id)).ToArray()),
        ["has_more"] = false,
        ["first_id"] = modelIds.Count > 0 ? modelIds[0] : null,
        ["last_id"] = modelIds.Count > 0 ? modelIds[^1] : null,
    };

    /// <summary>One model, as <c>GET /v1/models/{id}</c> answers.</summary>
    public static JsonObject Model(string id) => new()
    {
        ["type"] = "model",
        ["id"] = id,
        ["display_name"] = id,
        ["created_at"] = ModelCreatedAt,
    };

    /// <summary>Anthropic's error type for an HTTP status.</summary>
    public static string ErrorType(int statusCode) => statusCode switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status402PaymentRequired => "billing_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        StatusCodes.Status504GatewayTimeout => "timeout_error",
        OverloadedStatus => OverloadedError,
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    /// <summary>The OpenAI-style finish reason of a <see cref="ScriptedReply"/> as Anthropic's <c>stop_reason</c>.</summary>
    private static string StopReason(ScriptedReply reply) => reply.FinishReason switch
    {
        "stop" => "end_turn",
        "length" => "max_tokens",
        "tool_calls" => "tool_use",
        "content_filter" => "refusal",
        { } other => other,
    };

    private static JsonObject ContentBlock(ScriptedReply reply, bool complete) => reply.Kind == ScriptedReplyKind.ToolCall
        ? new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = reply.CallId,
            ["name"] = reply.FunctionName,
            ["input"] = complete ? JsonNode.Parse(reply.ArgumentsJson) : new JsonObject(),
        }
        : new JsonObject { ["type"] = "text", ["text"] = complete ? reply.Content : string.Empty };
}

/// <summary>One Server-Sent Event: its <c>event:</c> name and its <c>data:</c> JSON.</summary>
/// <param name="Name">The event name, e.g. <c>content_block_delta</c>.</param>
/// <param name="Data">The event's data.</param>
internal sealed record SseEvent(string Name, JsonNode Data)
{
    /// <summary>The event as it goes on the wire.</summary>
    public string ToWire() => $"event: {Name}\ndata: {Data.ToJsonString()}\n\n";
}
