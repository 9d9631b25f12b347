using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace Pai.SemanticKernel.Llm;

/// <summary>What the router concluded from one failed attempt.</summary>
internal readonly record struct FailureInfo(FailureReason Reason, int? StatusCode, TimeSpan? RetryAfter)
{
    /// <summary>Whether the next backend should be tried: everything but a request the server rejected as bad.</summary>
    internal bool FailsOver => Reason != FailureReason.RequestRejected;

    /// <summary>Whether the failure says something about the backend's health (a rejected request does not).</summary>
    internal bool CountsAgainstBackend => FailsOver;

    /// <summary>The <c>error.type</c> of OpenTelemetry: the status code when there is one, else the reason.</summary>
    internal string ErrorType => StatusCode is { } status ? status.ToString(CultureInfo.InvariantCulture) : ReasonName;

    internal string ReasonName => Reason switch
    {
        FailureReason.Connection => "connection",
        FailureReason.Timeout => "timeout",
        FailureReason.RateLimited => "rate_limited",
        FailureReason.ServerError => "server_error",
        FailureReason.Unauthorized => "unauthorized",
        FailureReason.NotFound => "not_found",
        FailureReason.OtherStatus => "http_status",
        FailureReason.IncompleteStream => "incomplete_stream",
        FailureReason.InvalidResponse => "invalid_response",
        FailureReason.RequestRejected => "request_rejected",
        _ => "other",
    };
}

/// <summary>Sorts exceptions from backend clients into the failover rules (which errors move on to the next backend).</summary>
internal static class FailureClassifier
{
    internal static FailureInfo Classify(Exception exception, IChatBackendProvider? provider)
    {
        Exception error = Unwrap(exception);
        int? status = StatusCodeOf(error, provider);
        TimeSpan? retryAfter = status is 429 or 503 ? RetryAfterOf(error, provider) : null;

        if (status is { } code)
        {
            return new FailureInfo(code switch
            {
                400 or 413 or 422 => FailureReason.RequestRejected,
                401 or 403 => FailureReason.Unauthorized,
                404 => FailureReason.NotFound,
                408 => FailureReason.Timeout,
                429 => FailureReason.RateLimited,
                >= 500 => FailureReason.ServerError,
                _ => FailureReason.OtherStatus,
            }, code, retryAfter);
        }

        FailureReason reason = error switch
        {
            IncompleteStreamException => FailureReason.IncompleteStream,
            TimeoutException or OperationCanceledException => FailureReason.Timeout,
            JsonException or FormatException or KeyNotFoundException or InvalidCastException => FailureReason.InvalidResponse,
            ArgumentException or NotSupportedException => FailureReason.RequestRejected,
            HttpRequestException or SocketException or IOException => FailureReason.Connection,
            ClientResultException { InnerException: HttpRequestException or SocketException or IOException } => FailureReason.Connection,
            ClientResultException => FailureReason.InvalidResponse,
            AllBackendsFailedException => FailureReason.Other,
            InvalidOperationException => FailureReason.InvalidResponse,
            // SDKs that wrap transport and parsing failures in types of their own (Anthropic's AnthropicIOException, AnthropicInvalidDataException).
            { InnerException: HttpRequestException or SocketException or IOException } => FailureReason.Connection,
            { InnerException: JsonException } => FailureReason.InvalidResponse,
            _ => FailureReason.Other,
        };
        return new FailureInfo(reason, null, null);
    }

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;

    private static int? StatusCodeOf(Exception error, IChatBackendProvider? provider) => error switch
    {
        ClientResultException { Status: > 0 } result => result.Status,
        HttpRequestException { StatusCode: { } code } => (int)code,
        _ => provider?.GetStatusCode(error),
    };

    private static TimeSpan? RetryAfterOf(Exception error, IChatBackendProvider? provider)
    {
        if (error is ClientResultException result && result.GetRawResponse() is { } response)
        {
            if (response.Headers.TryGetValue("retry-after-ms", out string? milliseconds) &&
                double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0)
            {
                return TimeSpan.FromMilliseconds(ms);
            }

            if (response.Headers.TryGetValue("Retry-After", out string? value))
            {
                return ParseRetryAfter(value, DateTimeOffset.UtcNow);
            }

            return null;
        }

        return provider?.GetRetryAfter(error);
    }

    /// <summary>Reads a <c>Retry-After</c> value: delta-seconds or an HTTP date.</summary>
    internal static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date))
        {
            TimeSpan delta = date - now;
            return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
        }

        return null;
    }
}
