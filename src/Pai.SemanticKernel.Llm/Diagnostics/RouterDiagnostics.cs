using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>Traces, metrics and logs of routed requests: one instance per router.</summary>
internal sealed partial class RouterDiagnostics : IDisposable
{
    internal static readonly ActivitySource Source = new(PaiTelemetry.SourceName, typeof(RouterDiagnostics).Assembly.GetName().Version?.ToString());

    private readonly Meter _meter;
    private readonly ILogger _logger;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _failovers;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _tokens;
    private readonly UpDownCounter<long> _cooling;

    internal RouterDiagnostics(ILoggerFactory loggerFactory, IMeterFactory? meterFactory)
    {
        _logger = loggerFactory.CreateLogger("Pai.SemanticKernel.Llm.Router");
        _meter = meterFactory?.Create(PaiTelemetry.MeterName) ?? new Meter(PaiTelemetry.MeterName);
        _requests = _meter.CreateCounter<long>("pai.requests", "{request}", "Routed requests by effort, serving backend and outcome.");
        _attempts = _meter.CreateCounter<long>("pai.attempts", "{attempt}", "Backend attempts by backend and outcome.");
        _failovers = _meter.CreateCounter<long>("pai.failovers", "{failover}", "Attempts that failed over to the next backend, by backend and reason.");
        _requestDuration = _meter.CreateHistogram<double>("pai.request.duration", "s", "Duration of routed requests, by effort and serving backend.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 60, 120] });
        _timeToFirstToken = _meter.CreateHistogram<double>("pai.time_to_first_token", "s", "Time to the first streamed content, by effort and backend.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60] });
        _tokens = _meter.CreateCounter<long>("pai.tokens", "{token}", "Tokens used, by effort, backend and token type (input, output).");
        _cooling = _meter.CreateUpDownCounter<long>("pai.backends.cooling", "{backend}", "Backends currently in cooldown.");
    }

    internal ILogger Logger => _logger;

    internal static Activity? StartRequest(EffortLevel? effort, bool streaming)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Source.StartActivity(effort is { } e ? "pai.route " + EffortParser.ToName(e) : "pai.route", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("pai.streaming", streaming);
            if (effort is { } level)
            {
                activity.SetTag("pai.effort", EffortParser.ToName(level));
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

        Activity? activity = Source.StartActivity("pai.attempt " + backend.Name, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.provider.name", BackendProviders.Normalize(backend.Options.Provider));
            activity.SetTag("gen_ai.request.model", backend.Model);
            if (backend.Options.Endpoint is { IsAbsoluteUri: true } endpoint)
            {
                activity.SetTag("server.address", endpoint.Host);
                activity.SetTag("server.port", endpoint.Port);
            }

            activity.SetTag("pai.backend", backend.Name);
            activity.SetTag("pai.attempt", attempt);
            if (effort is { } level)
            {
                activity.SetTag("pai.effort", EffortParser.ToName(level));
            }
        }

        return activity;
    }

    internal void AttemptSucceeded(Activity? activity, ChatBackend backend, string? responseModel, UsageDetails? usage, EffortLevel? effort)
    {
        if (activity is not null)
        {
            activity.SetTag("pai.outcome", "success");
            activity.SetTag("gen_ai.response.model", responseModel);
            if (usage is not null)
            {
                activity.SetTag("gen_ai.usage.input_tokens", usage.InputTokenCount);
                activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokenCount);
            }

            activity.Dispose();
        }

        if (_attempts.Enabled)
        {
            _attempts.Add(1, new TagList { { "pai.backend", backend.Name }, { "pai.outcome", "success" } });
        }

        RecordUsage(backend, usage, effort);
    }

    internal void RecordUsage(ChatBackend backend, UsageDetails? usage, EffortLevel? effort)
    {
        if (usage is null || !_tokens.Enabled)
        {
            return;
        }

        string? effortName = effort is { } e ? EffortParser.ToName(e) : null;
        if (usage.InputTokenCount is { } input)
        {
            _tokens.Add(input, new TagList { { "pai.backend", backend.Name }, { "pai.effort", effortName }, { "gen_ai.token.type", "input" } });
        }

        if (usage.OutputTokenCount is { } output)
        {
            _tokens.Add(output, new TagList { { "pai.backend", backend.Name }, { "pai.effort", effortName }, { "gen_ai.token.type", "output" } });
        }
    }

    internal void AttemptFailed(Activity? activity, ChatBackend backend, FailureInfo failure, Exception error, bool failingOver)
    {
        if (activity is not null)
        {
            activity.SetTag("pai.outcome", "failure");
            activity.SetTag("error.type", failure.ErrorType);
            activity.SetStatus(ActivityStatusCode.Error, failure.ReasonName);
            activity.Dispose();
        }

        if (_attempts.Enabled)
        {
            _attempts.Add(1, new TagList { { "pai.backend", backend.Name }, { "pai.outcome", "failure" }, { "error.type", failure.ErrorType } });
        }

        if (failingOver)
        {
            if (_failovers.Enabled)
            {
                _failovers.Add(1, new TagList { { "pai.backend", backend.Name }, { "pai.failover.reason", failure.ReasonName }, { "error.type", failure.ErrorType } });
            }

            LogFailover(_logger, backend.Name, failure.ReasonName, failure.StatusCode, error.GetType().Name);
        }
    }

    internal void AttemptAbandoned(Activity? activity)
    {
        if (activity is not null)
        {
            activity.SetTag("pai.outcome", "cancelled");
            activity.Dispose();
        }
    }

    internal void FirstToken(ChatBackend backend, EffortLevel? effort, TimeSpan elapsed)
    {
        if (_timeToFirstToken.Enabled)
        {
            _timeToFirstToken.Record(elapsed.TotalSeconds, new TagList { { "pai.backend", backend.Name }, { "pai.effort", effort is { } e ? EffortParser.ToName(e) : null } });
        }
    }

    // Ends a routed request: its span, the request counter and the duration histogram.
    // outcome: success, exhausted, rejected, interrupted or cancelled.
    internal void RequestEnded(Activity? activity, EffortLevel? effort, string? backend, string outcome, TimeSpan elapsed, string? errorType)
    {
        string? effortName = effort is { } e ? EffortParser.ToName(e) : null;
        if (activity is not null)
        {
            activity.SetTag("pai.outcome", outcome);
            activity.SetTag("pai.backend", backend);
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }

            activity.Dispose();
        }

        if (_requests.Enabled)
        {
            _requests.Add(1, new TagList { { "pai.effort", effortName }, { "pai.backend", backend }, { "pai.outcome", outcome } });
        }

        if (_requestDuration.Enabled)
        {
            _requestDuration.Record(elapsed.TotalSeconds, new TagList { { "pai.effort", effortName }, { "pai.backend", backend }, { "pai.outcome", outcome } });
        }
    }

    internal void Exhausted(EffortLevel? effort, int attempts, int skipped) =>
        LogExhausted(_logger, effort is { } e ? EffortParser.ToName(e) : "(none)", attempts, skipped);

    internal void Rejected(ChatBackend backend, int? status) => LogRejected(_logger, backend.Name, status);

    internal void Interrupted(ChatBackend backend, string reason) => LogInterrupted(_logger, backend.Name, reason);

    internal void CooldownChanged(BackendCooldown cooldown, bool opened, TimeSpan duration)
    {
        _cooling.Add(opened ? 1 : -1, new KeyValuePair<string, object?>("pai.backend", cooldown.Backend));
        if (opened)
        {
            LogCooldownOpened(_logger, cooldown.Backend, duration.TotalSeconds);
        }
        else
        {
            LogCooldownClosed(_logger, cooldown.Backend);
        }
    }

    public void Dispose() => _meter.Dispose();

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Backend {Backend} failed ({Reason}, HTTP status {StatusCode}, {ErrorType}); failing over to the next backend.")]
    private static partial void LogFailover(ILogger logger, string backend, string reason, int? statusCode, string errorType);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Every backend failed for effort {Effort}: {Attempts} attempt(s), {Skipped} skipped while cooling down.")]
    private static partial void LogExhausted(ILogger logger, string effort, int attempts, int skipped);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Backend {Backend} is cooling down for {Seconds} s after failures; requests skip it.")]
    private static partial void LogCooldownOpened(ILogger logger, string backend, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Backend {Backend} answered again; its cooldown is over.")]
    private static partial void LogCooldownClosed(ILogger logger, string backend);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Backend {Backend} rejected the request (HTTP status {StatusCode}); not failing over, the request itself is invalid.")]
    private static partial void LogRejected(ILogger logger, string backend, int? statusCode);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The stream from backend {Backend} broke off after output had reached the caller ({Reason}); not failing over.")]
    private static partial void LogInterrupted(ILogger logger, string backend, string reason);
}
