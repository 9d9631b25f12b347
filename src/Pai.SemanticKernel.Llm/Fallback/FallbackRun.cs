using System.Diagnostics;
using System.Globalization;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The state of one request walking a fallback chain: which backend is next, what failed, how much time is left.
/// </summary>
/// <remarks>
/// A struct held in the request's own async state machine, so that a request allocates no separate object for it. Pass
/// it by <see langword="ref"/>: a copy would not see the attempts recorded after it was taken.
/// </remarks>
internal struct FallbackRun
{
    private readonly ChainLink[] _chain;
    private readonly RouterRuntime _runtime;
    private readonly long _started;
    private readonly long _deadline;
    private int _next;
    private bool _forcedTrialUsed;
    private bool _retryCurrent;
    private int _retriedIndex = -1;
    private int _currentIndex = -1;
    private List<BackendAttempt>? _attempts;
    private List<int>? _skipped;
    private bool _deadlineReached;

    // The failed attempt that the next attempt fails over from: counted and logged when that next attempt starts, so
    // that the last backend's failure (nothing left to fail over to) is not reported as a failover.
    private (ChainLink Link, FailureInfo Failure)? _failingOver;

    internal FallbackRun(ChainLink[] chain, RouterRuntime runtime, EffortLevel? effort, bool streaming, bool quiet = false)
        : this(chain, runtime, effort, runtime.Time.GetTimestamp())
    {
        Activity = quiet ? null : RouterDiagnostics.StartRequest(effort, streaming);
    }

    private FallbackRun(ChainLink[] chain, RouterRuntime runtime, EffortLevel? effort, long started)
    {
        _chain = chain;
        _runtime = runtime;
        Effort = effort;
        _started = started;
        _deadline = runtime.RequestTimeoutTimestamps == long.MaxValue ? long.MaxValue : started + runtime.RequestTimeoutTimestamps;
    }

    /// <summary>
    /// A run whose first attempt, on the first backend of the chain, was already made outside it (the common path, taken
    /// only when nobody listens for spans, so there is no request span). Record that attempt's outcome next.
    /// </summary>
    internal static FallbackRun AfterFirstAttempt(ChainLink[] chain, RouterRuntime runtime, EffortLevel? effort, long started) =>
        new(chain, runtime, effort, started)
        {
            _next = 1,
            _currentIndex = 0,
            AttemptCount = 1,
        };

    internal EffortLevel? Effort { get; }

    internal Activity? Activity { get; }

    internal int AttemptCount { get; private set; }

    internal readonly TimeSpan Elapsed => _runtime.Time.GetElapsedTime(_started);

    /// <summary>The time left before the request's deadline, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    internal readonly TimeSpan Remaining
    {
        get
        {
            if (_deadline == long.MaxValue)
            {
                return Timeout.InfiniteTimeSpan;
            }

            long left = _deadline - _runtime.Time.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / _runtime.Time.TimestampFrequency);
        }
    }

    /// <summary>
    /// The time budget of the attempt about to start: the whole <see cref="RouterRuntime.RequestTimeout"/> for the first
    /// (the request started an instant ago, so the clock is not read again), else <see cref="Remaining"/>.
    /// </summary>
    internal readonly TimeSpan AttemptDeadline => AttemptCount <= 1 ? _runtime.RequestTimeout : Remaining;

    /// <summary>When the attempt about to start started: the request's own start for the first attempt, else now.</summary>
    internal readonly long AttemptStarted() => AttemptCount <= 1 ? _started : _runtime.Time.GetTimestamp();

    /// <summary>Picks the next backend to try: skips cooling ones, and when all of them were cooling, tries the least recently failed.</summary>
    internal bool TryNext(out ChainLink link, out CooldownAdmission admission)
    {
        // An attempt ended by the deadline's timer counts even if the clock reads a hair before it. Before the first
        // attempt the whole deadline is left.
        if (_deadlineReached || (AttemptCount > 0 && Remaining == TimeSpan.Zero))
        {
            _deadlineReached = true;
            link = default;
            admission = default;
            return false;
        }

        if (_retryCurrent)
        {
            _retryCurrent = false;
            link = _chain[_currentIndex];
            admission = CooldownAdmission.Available;
            AttemptCount++;
            return true;
        }

        while (_next < _chain.Length)
        {
            int index = _next++;
            admission = _chain[index].Backend.Cooldown.TryEnter();
            if (admission == CooldownAdmission.CoolingDown)
            {
                (_skipped ??= []).Add(index);
                continue;
            }

            _currentIndex = index;
            link = _chain[index];
            AttemptCount++;
            ReportFailover(link);
            return true;
        }

        if (_attempts is null && _skipped is { Count: > 0 } skipped && !_forcedTrialUsed)
        {
            // Every backend is cooling down: rather than failing without trying, try the one that failed longest ago.
            _forcedTrialUsed = true;
            int oldest = skipped[0];
            foreach (int index in skipped)
            {
                if (_chain[index].Backend.Cooldown.LastFailure < _chain[oldest].Backend.Cooldown.LastFailure)
                {
                    oldest = index;
                }
            }

            skipped.Remove(oldest);
            _currentIndex = oldest;
            link = _chain[oldest];
            admission = CooldownAdmission.Available;
            AttemptCount++;
            ReportFailover(link);
            return true;
        }

        link = default;
        admission = default;
        return false;
    }

    /// <summary>
    /// Records a failed attempt, updates the backend's cooldown, and decides what comes next.
    /// </summary>
    /// <returns>A delay to wait before retrying the same backend (a short <c>Retry-After</c>), or <see langword="null"/> to move on.</returns>
    /// <exception cref="BackendRequestException">The backend rejected the request itself: no other backend is tried.</exception>
    internal TimeSpan? Failed(ChainLink link, CooldownAdmission admission, Exception exception, AttemptTimeout expired, TimeSpan duration, Activity? attemptActivity)
    {
        ChatBackend backend = link.Backend;
        FailureInfo failure;
        Exception error;
        if (expired != AttemptTimeout.None)
        {
            _deadlineReached |= expired == AttemptTimeout.RequestDeadline;
            failure = new FailureInfo(FailureReason.Timeout, null, null);
            error = new TimeoutException(DescribeTimeout(backend, expired), exception);
        }
        else
        {
            failure = FailureClassifier.Classify(exception, backend.Provider);
            error = SecretRedactor.Sanitize(exception, _runtime.Secrets);
        }

        (_attempts ??= []).Add(new BackendAttempt(backend.Name, backend.Model, failure.StatusCode, error, duration, failure.ReasonName));

        if (!failure.FailsOver)
        {
            // The server answered, so it is up: a trial request that got a 400 still proves the backend is back.
            backend.Cooldown.ReportSuccess();
            _runtime.Diagnostics.AttemptFailed(attemptActivity, backend, failure, link.ServedEffort ?? Effort);
            _runtime.Diagnostics.Rejected(backend, failure.StatusCode);
            var rejected = new BackendRequestException(backend.Name, backend.Model, failure.StatusCode,
                SecretRedactor.Redact(OneLine(exception.Message), _runtime.Secrets), error);
            End(link, "rejected", failure.ErrorType);
            throw rejected;
        }

        backend.Cooldown.ReportFailure(failure.Reason is FailureReason.RateLimited or FailureReason.ServerError ? failure.RetryAfter : null);
        _runtime.Diagnostics.AttemptFailed(attemptActivity, backend, failure, link.ServedEffort ?? Effort);

        if (failure.Reason == FailureReason.RateLimited && failure.RetryAfter is { } wait &&
            _retriedIndex != _currentIndex && wait <= backend.Options.MaxRetryAfter &&
            (Remaining == Timeout.InfiniteTimeSpan || wait < Remaining))
        {
            _retriedIndex = _currentIndex;
            _retryCurrent = true;
            _runtime.Diagnostics.RetryingAfter(backend, failure, wait);
            return wait;
        }

        _failingOver = (link, failure);
        return null;
    }

    /// <summary>The caller cancelled during an attempt: give up a cooldown trial so that another request can make it.</summary>
    internal readonly void Abandoned(ChainLink link, CooldownAdmission admission, Activity? attemptActivity)
    {
        if (admission == CooldownAdmission.Trial)
        {
            link.Backend.Cooldown.ReleaseTrial();
        }

        _runtime.Diagnostics.AttemptAbandoned(attemptActivity, link.Backend, link.ServedEffort ?? Effort);
        End(link, "cancelled", "cancelled");
    }

    internal readonly void End(ChainLink link, string outcome, string? errorType)
    {
        // Nobody listening: not even the clock is read.
        if (Activity is not null || _runtime.Diagnostics.RecordsRequests)
        {
            _runtime.Diagnostics.RequestEnded(Activity, Effort, link.Backend?.Name, outcome, Elapsed, errorType, AttemptCount);
        }
    }

    /// <summary>The chain is exhausted (or the deadline passed): the exception that says what was tried.</summary>
    internal readonly AllBackendsFailedException Exhausted()
    {
        IReadOnlyList<BackendAttempt> attempts = _attempts ?? [];
        ChainLink[] chain = _chain;
        IReadOnlyList<string> skipped = _skipped?.Select(i => chain[i].Backend.Name).ToArray() ?? [];
        string? deadlineNote = _deadlineReached
            ? $"The request deadline of {_runtime.RequestTimeout.ToString("c", CultureInfo.InvariantCulture)} (RequestTimeout) ran out."
            : null;
        _runtime.Diagnostics.Exhausted(Effort, attempts, skipped.Count);
        _runtime.Diagnostics.RequestEnded(Activity, Effort, null, "exhausted", Elapsed, attempts.Count > 0 ? "all_backends_failed" : "no_backend_available", AttemptCount);
        return new AllBackendsFailedException(Effort, attempts, skipped, deadlineNote, _runtime.Secrets);
    }

    private void ReportFailover(ChainLink next)
    {
        if (_failingOver is { } from)
        {
            _failingOver = null;
            _runtime.Diagnostics.FailedOver(from.Link.Backend, from.Failure, next.Backend, from.Link.ServedEffort ?? Effort);
        }
    }

    private readonly string DescribeTimeout(ChatBackend backend, AttemptTimeout expired) => expired switch
    {
        AttemptTimeout.FirstToken => $"Backend '{backend.Name}' sent no answer within {backend.Options.FirstTokenTimeout.ToString("c", CultureInfo.InvariantCulture)} (FirstTokenTimeout).",
        AttemptTimeout.Stall => $"Backend '{backend.Name}' stalled: no update for {backend.Options.StallTimeout.ToString("c", CultureInfo.InvariantCulture)} (StallTimeout).",
        _ => $"The request deadline of {_runtime.RequestTimeout.ToString("c", CultureInfo.InvariantCulture)} (RequestTimeout) ran out while waiting for backend '{backend.Name}'.",
    };

    internal static string OneLine(string text)
    {
        string collapsed = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return collapsed.Length <= 400 ? collapsed : collapsed[..400] + "...";
    }
}
