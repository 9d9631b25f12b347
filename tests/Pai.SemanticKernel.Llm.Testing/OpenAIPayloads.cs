using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Builds the JSON documents an OpenAI-compatible server sends.</summary>
internal static class OpenAIPayloads
{
    /// <summary>The <c>created</c> timestamp of every listed model.</summary>
    public const long ModelCreated = 1_700_000_000;

    /// <summary>The <c>owned_by</c> of every listed model.</summary>
    public const string ModelOwner = "scripted";

    /// <summary>The model named in replies to requests that name none.</summary>
    public const string UnnamedModel = "scripted-model";

    /// <summary>A <c>chat.completion</c> document answering <paramref name="request"/> with <paramref name="reply"/>.</summary>
    public static JsonObject Completion(ScriptedReply reply, ChatRequest request, string id, long created) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion",
        ["created"] = created,
        ["model"] = request.Model ?? UnnamedModel,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = Message(reply),
            ["logprobs"] = null,
            ["finish_reason"] = reply.FinishReason,
        }),
        ["usage"] = Usage(reply),
    };

    /// <summary>
    /// The data payloads of a streamed answer, in order: the role chunk, the content chunks, the finish chunk,
    /// the usage chunk (when the request asked for it) and <c>[DONE]</c>.
    /// </summary>
    public static IReadOnlyList<string> StreamEvents(ScriptedReply reply, ChatRequest request, string id, long created)
    {
        var model = request.Model ?? UnnamedModel;
        var deltas = reply.Kind == ScriptedReplyKind.ToolCall ? ToolCallDeltas(reply) : TextDeltas(reply);
        var events = deltas.Select(delta => Chunk(id, created, model, delta, finishReason: null)).ToList();
        events.Add(Chunk(id, created, model, new JsonObject(), reply.FinishReason));
        if (request.IncludeUsage)
        {
            events.Add(new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = new JsonArray(),
                ["usage"] = Usage(reply),
            });
        }

        var payloads = events.Select(chunk => chunk.ToJsonString()).ToList();
        payloads.Add("[DONE]");
        return payloads;
    }

    /// <summary>An OpenAI-style error document <c>{"error":{"message":...,"type":...,"code":...}}</c>.</summary>
    public static JsonObject Error(string message, string type, JsonNode? code) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = type,
            ["param"] = null,
            ["code"] = code,
        },
    };

    /// <summary>The error document a status reply sends by default.</summary>
    public static JsonObject StatusError(int statusCode) => Error(
        $"Scripted status {statusCode} ({ReasonPhrases.GetReasonPhrase(statusCode)}).",
        ErrorType(statusCode),
        ErrorCode(statusCode));

    /// <summary>The <c>GET /v1/models</c> list.</summary>
    public static JsonObject ModelList(IEnumerable<string> modelIds) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(modelIds.Select(id => (JsonNode)new JsonObject
        {
            ["id"] = id,
            ["object"] = "model",
            ["created"] = ModelCreated,
            ["owned_by"] = ModelOwner,
        }).ToArray()),
    };

    private static string ErrorType(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "invalid_request_error",
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private static string ErrorCode(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "invalid_request",
        StatusCodes.Status401Unauthorized => "invalid_api_key",
        StatusCodes.Status403Forbidden => "permission_denied",
        StatusCodes.Status404NotFound => "model_not_found",
        StatusCodes.Status429TooManyRequests => "rate_limit_exceeded",
        StatusCodes.Status500InternalServerError => "internal_error",
        StatusCodes.Status503ServiceUnavailable => "service_unavailable",
        _ => statusCode.ToString(CultureInfo.InvariantCulture),
    };

    private static JsonObject Message(ScriptedReply reply) => reply.Kind == ScriptedReplyKind.ToolCall
        ? new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = reply.CallId,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = reply.FunctionName, ["arguments"] = reply.ArgumentsJson },
            }),
        }
        : new JsonObject { ["role"] = "assistant", ["content"] = reply.Content };

    private static IEnumerable<JsonObject> TextDeltas(ScriptedReply reply)
    {
        yield return new JsonObject { ["role"] = "assistant", ["content"] = string.Empty };
        foreach (var piece in TextChunker.SplitWords(reply.Content, reply.ChunkCount))
        {
            yield return new JsonObject { ["content"] = piece };
        }
    }

    private static IEnumerable<JsonObject> ToolCallDeltas(ScriptedReply reply)
    {
        yield return new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["id"] = reply.CallId,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = reply.FunctionName, ["arguments"] = string.Empty },
            }),
        };
        foreach (var piece in TextChunker.SplitEvenly(reply.ArgumentsJson, reply.ChunkCount))
        {
            yield return new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["function"] = new JsonObject { ["arguments"] = piece },
                }),
            };
        }
    }

    private static JsonObject Chunk(string id, long created, string model, JsonObject delta, string? finishReason) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }),
    };

    private static JsonObject Usage(ScriptedReply reply) => new()
    {
        ["prompt_tokens"] = reply.PromptTokens,
        ["completion_tokens"] = reply.CompletionTokens,
        ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
    };
}
