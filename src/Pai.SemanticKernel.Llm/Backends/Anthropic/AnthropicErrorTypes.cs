using Anthropic.Exceptions;

namespace Pai.SemanticKernel.Llm;

/// <summary>Anthropic's error types (<c>error.type</c>) and the HTTP status Anthropic documents for each.</summary>
internal static class AnthropicErrorTypes
{
    /// <summary>
    /// The status of an error that arrived without one (an SSE <c>error</c> event), from its type; <see langword="null"/>
    /// for a type this mapping does not know, which the router still fails over on (before output).
    /// </summary>
    internal static int? StatusOf(AnthropicServiceException exception) => StatusOf(TypeOf(exception));

    internal static int? StatusOf(string? errorType) => errorType switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "api_error" => 500,
        "timeout_error" => 504,
        "overloaded_error" => 529,
        _ => null,
    };

    private static string? TypeOf(AnthropicServiceException exception)
    {
        try
        {
            return exception.Type?.Raw();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException or FormatException)
        {
            // The event's data was not the documented {"type":"error","error":{"type":...}} shape.
            return null;
        }
    }
}
