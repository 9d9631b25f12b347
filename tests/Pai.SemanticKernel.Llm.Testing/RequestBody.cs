using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Reads the fields of a chat completion request body that shape the scripted answer.</summary>
internal static class RequestBody
{
    /// <summary>Parses <paramref name="body"/> as JSON, or returns <see langword="null"/> when it is not JSON.</summary>
    public static JsonNode? Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The <c>"model"</c> string, or <see langword="null"/>.</summary>
    public static string? ReadModel(JsonNode? json) => ReadString(json, "model");

    /// <summary>Whether <c>"stream"</c> is <see langword="true"/>.</summary>
    public static bool ReadStream(JsonNode? json) => ReadBoolean(json, "stream");

    /// <summary>Whether <c>"stream_options": {"include_usage": true}</c> is present.</summary>
    public static bool ReadIncludeUsage(JsonNode? json) =>
        json is JsonObject root
        && root.TryGetPropertyValue("stream_options", out var options)
        && ReadBoolean(options, "include_usage");

    private static string? ReadString(JsonNode? json, string name) =>
        json is JsonObject root
        && root.TryGetPropertyValue(name, out var node)
        && node is JsonValue value
        && value.TryGetValue<string>(out var text)
            ? text
            : null;

    private static bool ReadBoolean(JsonNode? json, string name) =>
        json is JsonObject root
        && root.TryGetPropertyValue(name, out var node)
        && node is JsonValue value
        && value.TryGetValue<bool>(out var flag)
        && flag;
}
