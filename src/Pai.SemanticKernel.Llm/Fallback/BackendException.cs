namespace Pai.SemanticKernel.Llm;

/// <summary>A failure attributed to one named backend.</summary>
public abstract class BackendException : Exception
{
    /// <summary>Initializes the exception.</summary>
    /// <param name="backend">The backend's name.</param>
    /// <param name="model">The model the backend was asked for.</param>
    /// <param name="statusCode">The HTTP status, if the backend answered with one.</param>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The client's original exception.</param>
    protected BackendException(string backend, string? model, int? statusCode, string message, Exception? innerException)
        : base(message, innerException)
    {
        Backend = backend;
        Model = model;
        StatusCode = statusCode;
    }

    /// <summary>The backend's name, as configured under <c>Backends</c>.</summary>
    public string Backend { get; }

    /// <summary>The model the backend was asked for.</summary>
    public string? Model { get; }

    /// <summary>The HTTP status the backend answered with, if any.</summary>
    public int? StatusCode { get; }

    private protected static string Name(string backend, string? model) => model is null ? $"'{backend}'" : $"'{backend}' (model {model})";
}

/// <summary>
/// A backend rejected the request itself (HTTP 400, 413 or 422): the request is invalid, so it was not sent to other backends.
/// </summary>
public sealed class BackendRequestException : BackendException
{
    internal BackendRequestException(string backend, string? model, int? statusCode, string detail, Exception innerException)
        : base(backend, model, statusCode,
            $"Backend {Name(backend, model)} rejected the request{(statusCode is { } s ? $" with HTTP {s}" : "")}: {detail} " +
            "The request itself is invalid (messages, tools, options or size), so it was not retried on other backends; fix the request.",
            innerException)
    {
    }
}

/// <summary>
/// A streamed answer broke off after some of it had reached the caller. The text received so far is incomplete. The router
/// does not continue on another backend, because that would repeat or mix text; retry the request.
/// </summary>
public sealed class StreamInterruptedException : BackendException
{
    internal StreamInterruptedException(string backend, string? model, int? statusCode, string reason, Exception innerException)
        : base(backend, model, statusCode,
            $"The streamed answer from backend {Name(backend, model)} broke off after it had started: {reason} " +
            "The updates received so far are an incomplete answer. It was not continued on another backend, which would repeat or mix text; retry the request.",
            innerException)
    {
    }
}

/// <summary>A backend's stream ended without a finish reason, or carried an error event, so the answer is not complete.</summary>
public sealed class IncompleteStreamException : BackendException
{
    internal IncompleteStreamException(string backend, string? model, string detail)
        : base(backend, model, null, $"Backend {Name(backend, model)} {detail}", null)
    {
    }
}
