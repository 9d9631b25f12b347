namespace Pai.SemanticKernel.Llm;

/// <summary>Why a backend attempt failed; decides whether the router fails over.</summary>
internal enum FailureReason
{
    /// <summary>Connection refused or reset, name not resolved, connect timeout: fail over.</summary>
    Connection,

    /// <summary>A time budget ran out (first token, stall, response) or the server answered 408: fail over.</summary>
    Timeout,

    /// <summary>HTTP 429: fail over (or wait out a short <c>Retry-After</c> once).</summary>
    RateLimited,

    /// <summary>HTTP 5xx: fail over.</summary>
    ServerError,

    /// <summary>HTTP 401/403, this backend's credentials: fail over.</summary>
    Unauthorized,

    /// <summary>HTTP 404, the model is not served there: fail over.</summary>
    NotFound,

    /// <summary>Another HTTP status the server blamed on itself or its configuration: fail over.</summary>
    OtherStatus,

    /// <summary>A stream that ended without a finish reason, or carried an error event: fail over before output, surface after.</summary>
    IncompleteStream,

    /// <summary>A body the client could not read (malformed JSON, empty body): fail over.</summary>
    InvalidResponse,

    /// <summary>HTTP 400/413/422, or a request the client cannot express: the request itself is bad, surface at once.</summary>
    RequestRejected,

    /// <summary>Anything else: fail over.</summary>
    Other,
}
