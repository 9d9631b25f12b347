namespace Pai.SemanticKernel.Llm;

/// <summary>Names under which the router publishes traces and metrics.</summary>
/// <remarks>
/// <para>Enable them with OpenTelemetry: <c>tracing.AddSource(PaiTelemetry.SourceName)</c> and
/// <c>metrics.AddMeter(PaiTelemetry.MeterName)</c>. Each routed request is a <c>pai.route {effort}</c> span with one
/// child <c>pai.attempt {backend}</c> span per backend tried; a failover shows as a failed attempt followed by another.</para>
/// <para>The spans describe routing and sit beside Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c> without
/// repeating it: they carry no <c>gen_ai.operation.name</c> and no token counts, so its <c>chat</c> span stays the model
/// call that GenAI tools read. Token usage is the <see cref="MetricNames.Tokens"/> metric.</para>
/// </remarks>
public static class PaiTelemetry
{
    /// <summary>The name of the router's <see cref="System.Diagnostics.ActivitySource"/>: <c>Pai.SemanticKernel.Llm</c>.</summary>
    public const string SourceName = "Pai.SemanticKernel.Llm";

    /// <summary>The name of the router's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Pai.SemanticKernel.Llm</c>.</summary>
    public const string MeterName = "Pai.SemanticKernel.Llm";

    /// <summary>The span of one routed request, <c>pai.route</c>, followed by the effort when there is one (<c>pai.route quick</c>).</summary>
    public const string RouteSpanName = "pai.route";

    /// <summary>The span of one backend attempt, <c>pai.attempt</c>, followed by the backend's name (<c>pai.attempt vllm-7b</c>).</summary>
    public const string AttemptSpanName = "pai.attempt";

    /// <summary>The names of the router's instruments.</summary>
    public static class MetricNames
    {
        /// <summary>Counter of routed requests, by <c>pai.effort</c>, <c>pai.backend</c> (the one that served; absent when none did) and <c>pai.outcome</c>.</summary>
        public const string Requests = "pai.requests";

        /// <summary>Counter of backend attempts, by <c>pai.effort</c>, <c>pai.backend</c>, <c>pai.outcome</c> (success, failure, cancelled), and for failures <c>pai.failure.reason</c> and <c>error.type</c>.</summary>
        public const string Attempts = "pai.attempts";

        /// <summary>Counter of moves from a failed backend to the next one, by <c>pai.effort</c>, <c>pai.backend</c> (the one that failed), <c>pai.failure.reason</c> and <c>error.type</c>.</summary>
        public const string Failovers = "pai.failovers";

        /// <summary>Histogram of routed request durations in seconds (a stream's until its end), by <c>pai.effort</c>, <c>pai.backend</c> and <c>pai.outcome</c>.</summary>
        public const string RequestDuration = "pai.request.duration";

        /// <summary>Histogram of the time from sending a streamed request to a backend to its first content, in seconds, by <c>pai.effort</c> and <c>pai.backend</c>.</summary>
        public const string TimeToFirstToken = "pai.time_to_first_token";

        /// <summary>Counter of tokens used by served requests (from the response's usage), by <c>pai.effort</c>, <c>pai.backend</c> and <c>gen_ai.token.type</c> (input, output).</summary>
        public const string Tokens = "pai.tokens";

        /// <summary>Up-down counter of backends in cooldown (skipped by requests), by <c>pai.backend</c>: 1 while a backend cools down, 0 otherwise.</summary>
        public const string BackendsCooling = "pai.backends.cooling";
    }

    /// <summary>The router's own span and metric attributes (beside the OpenTelemetry ones it uses: <c>gen_ai.*</c>, <c>server.*</c>, <c>error.type</c>).</summary>
    public static class AttributeNames
    {
        /// <summary><c>pai.effort</c>: the effort level (quick, standard, determined) a request asked for, or an attempt served.</summary>
        public const string Effort = "pai.effort";

        /// <summary><c>pai.backend</c>: the configured name of a backend.</summary>
        public const string Backend = "pai.backend";

        /// <summary><c>pai.attempt</c>: the 1-based number of an attempt within its request.</summary>
        public const string Attempt = "pai.attempt";

        /// <summary><c>pai.attempts</c>: how many attempts a request made.</summary>
        public const string Attempts = "pai.attempts";

        /// <summary><c>pai.outcome</c>: of a request success, exhausted, rejected, interrupted or cancelled; of an attempt success, failure or cancelled.</summary>
        public const string Outcome = "pai.outcome";

        /// <summary><c>pai.failure.reason</c>: why an attempt failed: connection, timeout, rate_limited, server_error, unauthorized, not_found, http_status, incomplete_stream, invalid_response, request_rejected, other.</summary>
        public const string FailureReason = "pai.failure.reason";

        /// <summary><c>pai.streaming</c>: whether the request streams.</summary>
        public const string Streaming = "pai.streaming";

        /// <summary><c>pai.time_to_first_token</c>: on a streamed attempt, seconds from sending the request to the first content.</summary>
        public const string TimeToFirstToken = "pai.time_to_first_token";
    }
}
