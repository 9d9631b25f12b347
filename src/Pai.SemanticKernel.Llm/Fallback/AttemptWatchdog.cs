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
/// Enforces one attempt's time budgets with a single timer: the time to the first token (or to the whole non-streamed
/// response), the request's remaining deadline, and, once a stream is flowing, the longest silence between updates.
/// </summary>
/// <remarks>
/// <para>Hand-written rather than Polly's timeout strategy, which bounds one delegate call: a stream's budgets change while it
/// is being read (first token, then stalls), and re-arming a timer on every update would cost more than the router's
/// per-update budget. Instead each update bumps a counter, and the timer, ticking at half the stall timeout, cancels when
/// two ticks in a row saw no progress, so a stall is detected between 1 and 1.5 times <see cref="BackendOptions.StallTimeout"/>.</para>
/// <para>The watchdog is itself the attempt's <see cref="CancellationTokenSource"/>, linked to the caller's token by hand as
/// <see cref="CancellationTokenSource.CreateLinkedTokenSource(CancellationToken)"/> would link it: one object per attempt
/// rather than a watchdog holding a linked source.</para>
/// </remarks>
internal sealed class AttemptWatchdog : CancellationTokenSource
{
    private readonly ITimer? _timer;
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly TimeSpan _stallTick;
    private readonly bool _deadlineFirst;
    private int _progress;
    private int _progressSeen;
    private int _quietTicks;
    private volatile bool _flowing;
    private volatile int _expired;

    internal AttemptWatchdog(TimeProvider time, CancellationToken callerToken, TimeSpan firstTokenTimeout, TimeSpan stallTimeout, TimeSpan remaining)
    {
        if (callerToken.CanBeCanceled)
        {
            // Runs at once when the caller has already cancelled, as a linked source starts out cancelled.
            _callerRegistration = callerToken.UnsafeRegister(static state => ((AttemptWatchdog)state!).CancelQuietly(), this);
        }

        _stallTick = stallTimeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : stallTimeout / 2;
        _deadlineFirst = remaining != Timeout.InfiniteTimeSpan && (firstTokenTimeout == Timeout.InfiniteTimeSpan || remaining <= firstTokenTimeout);
        TimeSpan due = _deadlineFirst ? remaining : firstTokenTimeout;
        if (due != Timeout.InfiniteTimeSpan)
        {
            _timer = time.CreateTimer(static state => ((AttemptWatchdog)state!).OnTick(), this, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The budget that ran out, if one did.</summary>
    internal AttemptTimeout Expired => (AttemptTimeout)_expired;

    /// <summary>The first content has reached the caller: from now on only stalls are timed.</summary>
    internal void Flowing()
    {
        _flowing = true;
        if (_stallTick == Timeout.InfiniteTimeSpan)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        else if (_timer is not null)
        {
            _timer.Change(_stallTick, _stallTick);
        }
    }

    /// <summary>An update arrived (called by the single reader of the stream).</summary>
    internal void Progress() => _progress++;

    private void OnTick()
    {
        if (!_flowing)
        {
            Expire(_deadlineFirst ? AttemptTimeout.RequestDeadline : AttemptTimeout.FirstToken);
            return;
        }

        int progress = Volatile.Read(ref _progress);
        if (progress != _progressSeen)
        {
            _progressSeen = progress;
            _quietTicks = 0;
        }
        else if (++_quietTicks >= 2)
        {
            Expire(AttemptTimeout.Stall);
        }
    }

    private void Expire(AttemptTimeout reason)
    {
        if (Interlocked.CompareExchange(ref _expired, (int)reason, (int)AttemptTimeout.None) == (int)AttemptTimeout.None)
        {
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
            _timer?.Dispose();
        }

        base.Dispose(disposing);
    }
}
