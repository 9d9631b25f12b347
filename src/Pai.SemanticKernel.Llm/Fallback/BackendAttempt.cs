using System.Globalization;

namespace Pai.SemanticKernel.Llm;

/// <summary>One try of one backend within a routed request.</summary>
public sealed class BackendAttempt
{
    internal BackendAttempt(string backend, string? model, int? statusCode, Exception error, TimeSpan duration, string reason)
    {
        Backend = backend;
        Model = model;
        StatusCode = statusCode;
        Error = error;
        Duration = duration;
        Reason = reason;
    }

    /// <summary>The backend's name, as configured under <c>Backends</c>.</summary>
    public string Backend { get; }

    /// <summary>The model the backend was asked for.</summary>
    public string? Model { get; }

    /// <summary>The HTTP status the backend answered with, or <see langword="null"/> when there was no HTTP answer (connection failure, timeout).</summary>
    public int? StatusCode { get; }

    /// <summary>What the attempt failed with.</summary>
    public Exception Error { get; }

    /// <summary>How long the attempt took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The failure class: <c>connection</c>, <c>timeout</c>, <c>rate_limited</c>, <c>server_error</c>, <c>unauthorized</c>, <c>not_found</c>, <c>http_status</c>, <c>incomplete_stream</c>, <c>invalid_response</c>, <c>request_rejected</c> or <c>other</c>.</summary>
    public string Reason { get; }

    /// <summary>Returns a one-line description of the attempt.</summary>
    /// <returns>Backend, model, failure and duration.</returns>
    public override string ToString() =>
        $"{Backend}{(Model is null ? "" : $" ({Model})")}: {Describe(this)} after {FormatDuration(Duration)}";

    internal static string Describe(BackendAttempt attempt)
    {
        string detail = attempt.StatusCode is { } code && Redirects.IsRedirect(code)
            ? Redirects.Describe(Redirects.LocationOf(attempt.Error))
            : FirstLine(attempt.Error is BackendException or TimeoutException
                ? attempt.Error.Message
                : InnermostMessage(attempt.Error));
        return attempt.StatusCode is { } status
            ? $"HTTP {status.ToString(CultureInfo.InvariantCulture)} ({attempt.Reason}): {detail}"
            : $"{attempt.Reason}: {detail}";
    }

    internal static string FormatDuration(TimeSpan duration) => duration.TotalSeconds >= 1
        ? duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string InnermostMessage(Exception error)
    {
        // The SDK wraps connection failures; the HttpRequestException inside says what happened and where
        // ("Connection refused (host:port)"), which the outer ClientResultException and the inner SocketException do not.
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException && !string.IsNullOrWhiteSpace(current.Message))
            {
                return current.Message;
            }
        }

        return error.Message;
    }

    private static string FirstLine(string text)
    {
        string trimmed = text.Trim();
        int newline = trimmed.IndexOfAny(['\r', '\n']);
        string line = newline < 0 ? trimmed : trimmed[..newline].TrimEnd();
        return line.Length <= 240 ? line : line[..240] + "...";
    }
}
