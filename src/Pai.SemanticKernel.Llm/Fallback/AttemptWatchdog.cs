namespace Pai.SemanticKernel.Llm;

/// <summary>Which time budget ended an attempt.</summary>
internal enum AttemptTimeout
{
    None,
    RequestDeadline,
    FirstToken,
    Stall,
}

/// <summary>
/// Enforces one attempt's time budgets: the time to the first token (or to the whole non-streamed response) and the
/// request's remaining deadline, whichever ends first, then, once a stream is flowing, the longest silence between updates.
/// </summary>
/// <remarks>
/// <para>Hand-written rather than Polly's timeout strategy, which bounds one delegate call: a stream's budgets change while it
/// is being read (first token, then stalls), and re-arming a timer on every update would cost more than the router's
/// per-update budget. Instead each update bumps a counter, and a timer ticking at half the stall timeout cancels when two
/// ticks in a row saw no progress, so a stall is detected between 1 and 1.5 times <see cref="BackendOptions.StallTimeout"/>.</para>
/// <para>The watchdog is itself the attempt's <see cref="CancellationTokenSource"/>, linked to the caller's token by hand as
/// <see cref="CancellationTokenSource.CreateLinkedTokenSource(CancellationToken)"/> would link it, and the first budget is
/// the source's own delay (<see cref="CancellationTokenSource(TimeSpan, TimeProvider)"/>): one object and the runtime's
/// own timer per attempt, with no callback of ours. Which budget ended the attempt is worked out when it is asked for: a
/// cancellation the caller did not ask for is the first budget's, unless the stall timer said otherwise. Every request
/// pays for this, so it is kept to the least the runtime offers.</para>
/// </remarks>
internal sealed class AttemptWatchdog : CancellationTokenSource
{
    private readonly TimeProvider _time;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly TimeSpan _stallTick;
    private readonly bool _deadlineFirst;
    private ITimer? _stallTimer;
    private int _progress;
    private int _progressSeen;
    private int _quietTicks;
    private volatile bool _stalled;

    internal AttemptWatchdog(TimeProvider time, CancellationToken callerToken, TimeSpan firstTokenTimeout, TimeSpan stallTimeout, TimeSpan remaining)
        : base(FirstBudget(firstTokenTimeout, remaining), time)
    {
        _time = time;
        _callerToken = callerToken;
        _deadlineFirst = DeadlineFirst(firstTokenTimeout, remaining);
        _stallTick = stallTimeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : TimerDelays.AtMostATimersWait(stallTimeout / 2);
        if (callerToken.CanBeCanceled)
        {
            // Runs at once when the caller has already cancelled, as a linked source starts out cancelled.
            _callerRegistration = callerToken.UnsafeRegister(static state => ((AttemptWatchdog)state!).CancelQuietly(), this);
        }
    }

    /// <summary>The budget that ran out, if one did.</summary>
    internal AttemptTimeout Expired
    {
        get
        {
            if (_stalled)
            {
                return AttemptTimeout.Stall;
            }

            if (!IsCancellationRequested || _callerToken.IsCancellationRequested)
            {
                return AttemptTimeout.None;
            }

            // Nothing else cancels this source: the first budget's timer did.
            return _deadlineFirst ? AttemptTimeout.RequestDeadline : AttemptTimeout.FirstToken;
        }
    }

    /// <summary>The first content has arrived: the first budget no longer applies (stalls are timed from <see cref="WatchStalls"/>).</summary>
    internal void Flowing() => CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>The caller asks for the rest of the stream: from now on, silences longer than the stall timeout end the attempt.</summary>
    internal void WatchStalls()
    {
        if (_stallTick != Timeout.InfiniteTimeSpan && _stallTimer is null)
        {
            _stallTimer = _time.CreateTimer(static state => ((AttemptWatchdog)state!).OnStallTick(), this, _stallTick, _stallTick);
        }
    }

    /// <summary>An update arrived (called by the single reader of the stream).</summary>
    internal void Progress() => _progress++;

    private static bool DeadlineFirst(TimeSpan firstTokenTimeout, TimeSpan remaining) =>
        remaining != Timeout.InfiniteTimeSpan && (firstTokenTimeout == Timeout.InfiniteTimeSpan || remaining <= firstTokenTimeout);

    private static TimeSpan FirstBudget(TimeSpan firstTokenTimeout, TimeSpan remaining)
    {
        TimeSpan due = DeadlineFirst(firstTokenTimeout, remaining) ? remaining : firstTokenTimeout;
        return TimerDelays.AtMostATimersWait(due);
    }

    private void OnStallTick()
    {
        int progress = Volatile.Read(ref _progress);
        if (progress != _progressSeen)
        {
            _progressSeen = progress;
            _quietTicks = 0;
        }
        else if (++_quietTicks >= 2 && !_stalled)
        {
            _stalled = true;
            CancelQuietly();
        }
    }

    private void CancelQuietly()
    {
        try
        {
            Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt already ended.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _callerRegistration.Dispose();
            _stallTimer?.Dispose();
        }

        base.Dispose(disposing);
    }
}
