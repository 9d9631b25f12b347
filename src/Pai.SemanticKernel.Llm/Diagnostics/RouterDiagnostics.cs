using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>Traces, metrics and logs of routed requests: one instance per router.</summary>
/// <remarks>
/// <para>The spans describe routing, not the chat call: <c>pai.route</c> (one per request) and <c>pai.attempt</c> (one per
/// backend tried) are <see cref="ActivityKind.Internal"/> and carry no <c>gen_ai.operation.name</c> and no token usage, so
/// that Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c> span (<c>chat {model}</c>, kind client) stays the one span
/// that GenAI tools read as the model call and count tokens from, whether it wraps the router or a backend. Attempts
/// reuse the GenAI registry's names for what identifies the backend tried (<c>gen_ai.provider.name</c>,
/// <c>gen_ai.request.model</c>, <c>gen_ai.response.model</c>, <c>server.address</c>, <c>server.port</c>, <c>error.type</c>).</para>
/// <para>Nothing here runs per streamed update, and with no listener nothing allocates: spans are not created without
/// <see cref="ActivitySource.HasListeners"/>, and tag lists are built only behind <see cref="Instrument.Enabled"/>.</para>
/// </remarks>
internal sealed partial class RouterDiagnostics : IDisposable
{
    internal static readonly ActivitySource Source = new(PaiTelemetry.SourceName, typeof(RouterDiagnostics).Assembly.GetName().Version?.ToString());

    // "pai.route quick", ... by EffortLevel value: span names without a string built per request.
    private static readonly string[] RouteSpanNames = [.. Enum.GetValues<EffortLevel>().Select(e => PaiTelemetry.RouteSpanName + " " + EffortParser.ToName(e))];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly ILogger _logger;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _failovers;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _tokens;
    private readonly UpDownCounter<long> _cooling;
    private readonly List<BackendCooldown> _tracked = [];
    private bool _disposed;

    internal RouterDiagnostics(ILoggerFactory loggerFactory, IMeterFactory? meterFactory)
    {
        _logger = loggerFactory.CreateLogger("Pai.SemanticKernel.Llm.Router");

        // A factory's meter is shared by every router of the container (and by reloaded routers): never dispose it here.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(PaiTelemetry.MeterName) ?? new Meter(PaiTelemetry.MeterName);
        _requests = _meter.CreateCounter<long>(PaiTelemetry.MetricNames.Requests, "{request}", "Routed requests, by effort, serving backend and outcome.");
        _attempts = _meter.CreateCounter<long>(PaiTelemetry.MetricNames.Attempts, "{attempt}", "Backend attempts, by effort, backend, outcome and failure reason.");
        _failovers = _meter.CreateCounter<long>(PaiTelemetry.MetricNames.Failovers, "{failover}", "Moves from a failed backend to the next one, by effort, failed backend and reason.");
        _requestDuration = _meter.CreateHistogram<double>(PaiTelemetry.MetricNames.RequestDuration, "s", "Duration of routed requests, by effort, serving backend and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 60, 120] });
        _timeToFirstToken = _meter.CreateHistogram<double>(PaiTelemetry.MetricNames.TimeToFirstToken, "s", "Time from sending a streamed request to a backend to its first content, by effort and backend.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60] });
        _tokens = _meter.CreateCounter<long>(PaiTelemetry.MetricNames.Tokens, "{token}", "Tokens used by served requests, by effort, backend and token type (input, output).");
        _cooling = _meter.CreateUpDownCounter<long>(PaiTelemetry.MetricNames.BackendsCooling, "{backend}", "Backends in cooldown (requests skip them), by backend.");
    }

    internal ILogger Logger => _logger;

    /// <summary>Whether nothing listens for the spans and metrics of a request that succeeds at once.</summary>
    internal bool IsQuiet => !Source.HasListeners() && !_requests.Enabled && !_attempts.Enabled && !_requestDuration.Enabled && !_tokens.Enabled && !_timeToFirstToken.Enabled;

    /// <summary>Whether <see cref="RequestEnded"/> has a metric to record (spans are checked by the caller).</summary>
    internal bool RecordsRequests => _requests.Enabled || _requestDuration.Enabled;

    internal static Activity? StartRequest(EffortLevel? effort, bool streaming)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Source.StartActivity(effort is { } e ? RouteSpanNames[(int)e] : PaiTelemetry.RouteSpanName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(PaiTelemetry.AttributeNames.Streaming, streaming);
            if (effort is { } level)
            {
                activity.SetTag(PaiTelemetry.AttributeNames.Effort, EffortParser.ToName(level));
            }
        }

        return activity;
    }

    internal static Activity? StartAttempt(ChatBackend backend, int attempt, EffortLevel? effort)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Source.StartActivity(PaiTelemetry.AttemptSpanName + " " + backend.Name, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(PaiTelemetry.AttributeNames.Backend, backend.Name);
            activity.SetTag(PaiTelemetry.AttributeNames.Attempt, attempt);
            if (effort is { } level)
            {
                activity.SetTag(PaiTelemetry.AttributeNames.Effort, EffortParser.ToName(level));
            }

            activity.SetTag("gen_ai.provider.name", backend.TelemetryProviderName);
            activity.SetTag("gen_ai.request.model", backend.Model);
            if (backend.Options.Endpoint is { IsAbsoluteUri: true } endpoint)
            {
                // Host and port only: never the user-info part of the URI.
                activity.SetTag("server.address", endpoint.Host);
                activity.SetTag("server.port", endpoint.Port);
            }
        }

        return activity;
    }

    internal void AttemptSucceeded(Activity? activity, ChatBackend backend, string? responseModel, UsageDetails? usage, EffortLevel? effort)
    {
        if (activity is not null)
        {
            activity.SetTag(PaiTelemetry.AttributeNames.Outcome, "success");
            activity.SetTag("gen_ai.response.model", responseModel);
            activity.Dispose();
        }

        if (_attempts.Enabled)
        {
            TagList tags = Tags(backend.Name, effort, "success");
            _attempts.Add(1, tags);
        }

        RecordUsage(backend, usage, effort);
    }

    private void RecordUsage(ChatBackend backend, UsageDetails? usage, EffortLevel? effort)
    {
        if (usage is null || !_tokens.Enabled)
        {
            return;
        }

        if (usage.InputTokenCount is { } input)
        {
            TagList tags = Tags(backend.Name, effort, null);
            tags.Add("gen_ai.token.type", "input");
            _tokens.Add(input, tags);
        }

        if (usage.OutputTokenCount is { } output)
        {
            TagList tags = Tags(backend.Name, effort, null);
            tags.Add("gen_ai.token.type", "output");
            _tokens.Add(output, tags);
        }
    }

    internal void AttemptFailed(Activity? activity, ChatBackend backend, FailureInfo failure, EffortLevel? effort)
    {
        if (activity is not null)
        {
            activity.SetTag(PaiTelemetry.AttributeNames.Outcome, "failure");
            activity.SetTag(PaiTelemetry.AttributeNames.FailureReason, failure.ReasonName);
            activity.SetTag("error.type", failure.ErrorType);
            if (failure.StatusCode is { } status)
            {
                activity.SetTag("http.response.status_code", status);
            }

            activity.SetStatus(ActivityStatusCode.Error, failure.ReasonName);
            activity.Dispose();
        }

        if (_attempts.Enabled)
        {
            TagList tags = Tags(backend.Name, effort, "failure");
            tags.Add(PaiTelemetry.AttributeNames.FailureReason, failure.ReasonName);
            tags.Add("error.type", failure.ErrorType);
            _attempts.Add(1, tags);
        }
    }

    /// <summary>A failed attempt is followed by one on another backend: the failover counter and its warning.</summary>
    internal void FailedOver(ChatBackend from, FailureInfo failure, ChatBackend to, EffortLevel? effort)
    {
        if (_failovers.Enabled)
        {
            TagList tags = Tags(from.Name, effort, null);
            tags.Add(PaiTelemetry.AttributeNames.FailureReason, failure.ReasonName);
            tags.Add("error.type", failure.ErrorType);
            _failovers.Add(1, tags);
        }

        LogFailover(_logger, from.Name, failure.ReasonName, failure.StatusCode, to.Name);
    }

    /// <summary>A short <c>Retry-After</c> is waited out on the same backend once: a retry, not a failover.</summary>
    internal void RetryingAfter(ChatBackend backend, FailureInfo failure, TimeSpan wait) =>
        LogRetrying(_logger, backend.Name, failure.ReasonName, failure.StatusCode, wait.TotalSeconds);

    internal void AttemptAbandoned(Activity? activity, ChatBackend backend, EffortLevel? effort)
    {
        if (activity is not null)
        {
            activity.SetTag(PaiTelemetry.AttributeNames.Outcome, "cancelled");
            activity.Dispose();
        }

        if (_attempts.Enabled)
        {
            TagList tags = Tags(backend.Name, effort, "cancelled");
            _attempts.Add(1, tags);
        }
    }

    internal void FirstToken(Activity? activity, ChatBackend backend, EffortLevel? effort, TimeProvider time, long started)
    {
        if (activity is null && !_timeToFirstToken.Enabled)
        {
            // Nobody listening: not even the clock is read.
            return;
        }

        TimeSpan elapsed = time.GetElapsedTime(started);
        activity?.SetTag(PaiTelemetry.AttributeNames.TimeToFirstToken, elapsed.TotalSeconds);
        if (_timeToFirstToken.Enabled)
        {
            TagList tags = Tags(backend.Name, effort, null);
            _timeToFirstToken.Record(elapsed.TotalSeconds, tags);
        }
    }

    // Ends a routed request: its span, the request counter and the duration histogram.
    // outcome: success, exhausted, rejected, interrupted or cancelled.
    internal void RequestEnded(Activity? activity, EffortLevel? effort, string? backend, string outcome, TimeSpan elapsed, string? errorType, int attempts)
    {
        if (activity is not null)
        {
            activity.SetTag(PaiTelemetry.AttributeNames.Outcome, outcome);
            activity.SetTag(PaiTelemetry.AttributeNames.Backend, backend);
            activity.SetTag(PaiTelemetry.AttributeNames.Attempts, attempts);
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }

            activity.Dispose();
        }

        if (_requests.Enabled)
        {
            TagList tags = Tags(backend, effort, outcome);
            _requests.Add(1, tags);
        }

        if (_requestDuration.Enabled)
        {
            TagList tags = Tags(backend, effort, outcome);
            _requestDuration.Record(elapsed.TotalSeconds, tags);
        }
    }

    internal void Exhausted(EffortLevel? effort, IReadOnlyList<BackendAttempt> attempts, int skipped)
    {
        if (_logger.IsEnabled(LogLevel.Error))
        {
            // Reasons and status codes only: error messages can quote what the server received.
            string failures = attempts.Count == 0
                ? "(none tried)"
                : string.Join("; ", attempts.Select(a => a.StatusCode is { } status
                    ? string.Create(CultureInfo.InvariantCulture, $"{a.Backend}: {a.Reason} ({status})")
                    : $"{a.Backend}: {a.Reason}"));
            LogExhausted(_logger, effort is { } e ? EffortParser.ToName(e) : "(none)", attempts.Count, skipped, failures);
        }
    }

    internal void Rejected(ChatBackend backend, int? status) => LogRejected(_logger, backend.Name, status);

    internal void Interrupted(ChatBackend backend, string reason) => LogInterrupted(_logger, backend.Name, reason);

    /// <summary>Follows a backend's cooldown: the <c>pai.backends.cooling</c> count and the open/close logs.</summary>
    internal void Track(BackendCooldown cooldown)
    {
        lock (_tracked)
        {
            _tracked.Add(cooldown);
        }

        cooldown.StateChanged += CooldownChanged;
    }

    private void CooldownChanged(BackendCooldown cooldown, bool opened, TimeSpan duration)
    {
        _cooling.Add(opened ? 1 : -1, new KeyValuePair<string, object?>(PaiTelemetry.AttributeNames.Backend, cooldown.Backend));
        if (opened)
        {
            LogCooldownOpened(_logger, cooldown.Backend, duration.TotalSeconds);
        }
        else
        {
            LogCooldownClosed(_logger, cooldown.Backend);
        }
    }

    internal void ProbeFoundDown(string backend, string? error) => LogProbeDown(_logger, backend, error ?? "unhealthy");

    internal void ProbeFoundBack(string backend) => LogProbeBack(_logger, backend);

    internal void ProbeRoundFailed(Exception error) => LogProbeRoundFailed(_logger, error.GetType().Name);

    internal void ModelNotListed(BackendHealthReport report) =>
        LogModelNotListed(_logger, report.Backend, report.Model, report.Endpoint ?? "(in-process)",
            report.ListedModels.Count == 0 ? "(none)" : string.Join(", ", report.ListedModels.Take(10)));

    internal void ModelNotChecked(BackendHealthReport report) =>
        LogModelNotChecked(_logger, report.Backend, report.Model, report.Error ?? "unreachable");

    public void Dispose()
    {
        BackendCooldown[] tracked;
        lock (_tracked)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            tracked = [.. _tracked];
            _tracked.Clear();
        }

        foreach (BackendCooldown cooldown in tracked)
        {
            cooldown.StateChanged -= CooldownChanged;

            // The count is shared with other routers on the same meter: take back what this router still holds.
            if (cooldown.IsCoolingDown)
            {
                _cooling.Add(-1, new KeyValuePair<string, object?>(PaiTelemetry.AttributeNames.Backend, cooldown.Backend));
            }
        }

        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    // Attributes shared by the metrics; absent values are left out rather than recorded as null.
    private static TagList Tags(string? backend, EffortLevel? effort, string? outcome)
    {
        var tags = default(TagList);
        if (effort is { } level)
        {
            tags.Add(PaiTelemetry.AttributeNames.Effort, EffortParser.ToName(level));
        }

        if (backend is not null)
        {
            tags.Add(PaiTelemetry.AttributeNames.Backend, backend);
        }

        if (outcome is not null)
        {
            tags.Add(PaiTelemetry.AttributeNames.Outcome, outcome);
        }

        return tags;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Backend {Backend} failed ({Reason}, HTTP status {StatusCode}); failing over to backend {NextBackend}.")]
    private static partial void LogFailover(ILogger logger, string backend, string reason, int? statusCode, string nextBackend);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Every backend failed for effort {Effort}: {Attempts} attempt(s), {Skipped} skipped while cooling down. {Failures}.")]
    private static partial void LogExhausted(ILogger logger, string effort, int attempts, int skipped, string failures);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Backend {Backend} is cooling down for {Seconds} s after failures; requests skip it.")]
    private static partial void LogCooldownOpened(ILogger logger, string backend, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Backend {Backend} answered again; its cooldown is over.")]
    private static partial void LogCooldownClosed(ILogger logger, string backend);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Backend {Backend} rejected the request (HTTP status {StatusCode}); not failing over, the request itself is invalid.")]
    private static partial void LogRejected(ILogger logger, string backend, int? statusCode);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The stream from backend {Backend} broke off after output had reached the caller ({Reason}); not failing over.")]
    private static partial void LogInterrupted(ILogger logger, string backend, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Backend {Backend} failed ({Reason}, HTTP status {StatusCode}); retrying it in {Seconds} s as its Retry-After asks.")]
    private static partial void LogRetrying(ILogger logger, string backend, string reason, int? statusCode, double seconds);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Health probe: backend {Backend} is down ({Error}); requests skip it until it answers again.")]
    private static partial void LogProbeDown(ILogger logger, string backend, string error);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Health probe: backend {Backend} answers again.")]
    private static partial void LogProbeBack(ILogger logger, string backend);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Health probing failed unexpectedly ({ErrorType}); the next round runs as planned.")]
    private static partial void LogProbeRoundFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Backend {Backend} does not serve its configured model {Model}: {Endpoint} lists {ListedModels}.")]
    private static partial void LogModelNotListed(ILogger logger, string backend, string model, string endpoint, string listedModels);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Could not check that backend {Backend} serves its model {Model}: {Error}")]
    private static partial void LogModelNotChecked(ILogger logger, string backend, string model, string error);
}
