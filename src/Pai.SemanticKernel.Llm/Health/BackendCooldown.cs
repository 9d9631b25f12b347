namespace Pai.SemanticKernel.Llm;

/// <summary>Whether a request may use a backend now.</summary>
internal enum CooldownAdmission
{
    /// <summary>The backend is healthy as far as the router knows.</summary>
    Available,

    /// <summary>The cooldown has ended and this request is the one trial that decides whether the backend is back.</summary>
    Trial,

    /// <summary>The backend is cooling down (or another request's trial is in flight): skip it.</summary>
    CoolingDown,
}

/// <summary>
/// Passive health of one backend (circuit breaking): consecutive failures open a cooldown during which requests skip the
/// backend; afterwards one trial request decides. Shared by every tier that uses the backend; thread-safe.
/// </summary>
/// <remarks>
/// Hand-written rather than Polly's circuit breaker because the router needs what that breaker does not offer: to ask
/// "may I use this backend?" without paying for an exception (skipping a cooling backend must cost nothing), to open on a
/// single 429/503 for exactly its <c>Retry-After</c>, to count consecutive failures rather than a failure ratio, to force a
/// trial of the least-recently-failed backend when a whole tier is cooling, and to report outcomes of streamed responses
/// after the call that started them has returned. Time comes from <see cref="TimeProvider"/>, so tests move a fake clock.
/// </remarks>
internal sealed class BackendCooldown
{
    private const int Closed = 0;
    private const int Open = 1;
    private const int HalfOpen = 2;

    private readonly Lock _gate = new();
    private readonly CooldownOptions _options;
    private readonly TimeProvider _time;
    private volatile int _state = Closed;
    private int _consecutiveFailures;
    private long _openUntil;
    private long _lastFailure = long.MinValue;
    private TimeSpan _lastDuration;
    private bool _openedByProbe;

    internal BackendCooldown(string backend, CooldownOptions options, TimeProvider time)
    {
        Backend = backend;
        _options = options;
        _time = time;
    }

    /// <summary>Raised (outside the lock) when a cooldown starts (<c>true</c>, with its length) or the backend is back (<c>false</c>).</summary>
    internal event Action<BackendCooldown, bool, TimeSpan>? StateChanged;

    internal string Backend { get; }

    internal bool IsCoolingDown => _state != Closed;

    /// <summary>Whether requests skip the backend now: a cooldown is open and its time has not run out (a trial would not be due yet).</summary>
    internal bool IsSkipped
    {
        get
        {
            if (_state == Closed)
            {
                return false;
            }

            lock (_gate)
            {
                return _state == Open && _time.GetTimestamp() < _openUntil;
            }
        }
    }

    /// <summary>When the backend last failed (a <see cref="TimeProvider"/> timestamp), <see cref="long.MinValue"/> if never.</summary>
    internal long LastFailure => Interlocked.Read(ref _lastFailure);

    /// <summary>Whether a request may use the backend now; a <see cref="CooldownAdmission.Trial"/> must be reported back.</summary>
    internal CooldownAdmission TryEnter()
    {
        if (_state == Closed)
        {
            return CooldownAdmission.Available;
        }

        lock (_gate)
        {
            if (_state == Closed)
            {
                return CooldownAdmission.Available;
            }

            if (_state == Open && _time.GetTimestamp() >= _openUntil)
            {
                _state = HalfOpen;
                return CooldownAdmission.Trial;
            }

            return CooldownAdmission.CoolingDown;
        }
    }

    /// <summary>Records a success: the backend is healthy again.</summary>
    internal void ReportSuccess()
    {
        if (_state == Closed && Volatile.Read(ref _consecutiveFailures) == 0)
        {
            return;
        }

        bool reopened;
        lock (_gate)
        {
            reopened = _state != Closed;
            _state = Closed;
            _consecutiveFailures = 0;
            _lastDuration = TimeSpan.Zero;
            _openedByProbe = false;
        }

        if (reopened)
        {
            StateChanged?.Invoke(this, false, TimeSpan.Zero);
        }
    }

    /// <summary>Records a failure that counts against the backend; opens a cooldown when due.</summary>
    /// <param name="retryAfter">The backend's own <c>Retry-After</c> on a 429 or 503, which opens a cooldown at once.</param>
    internal void ReportFailure(TimeSpan? retryAfter)
    {
        TimeSpan opened = TimeSpan.Zero;
        bool wasClosed;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            Interlocked.Exchange(ref _lastFailure, now);
            _consecutiveFailures++;
            wasClosed = _state == Closed;
            if (_options.Duration <= TimeSpan.Zero)
            {
                return;
            }

            if (retryAfter is { } delay && delay > TimeSpan.Zero)
            {
                opened = Min(delay, _options.MaxDuration);
            }
            else if (_state == HalfOpen || (_state == Open && now >= _openUntil))
            {
                // A failed trial: back off further each time, up to the cap.
                opened = Min(_lastDuration > TimeSpan.Zero ? _lastDuration * 2 : _options.Duration, _options.MaxDuration);
            }
            else if (_state == Closed && _consecutiveFailures >= _options.FailureThreshold)
            {
                opened = Min(_options.Duration, _options.MaxDuration);
            }

            if (opened > TimeSpan.Zero)
            {
                _state = Open;
                _openedByProbe = false;
                _lastDuration = opened;
                _openUntil = now + (long)(opened.TotalSeconds * _time.TimestampFrequency);
            }
        }

        if (opened > TimeSpan.Zero && wasClosed)
        {
            StateChanged?.Invoke(this, true, opened);
        }
    }

    /// <summary>A trial ended without an outcome (the caller cancelled): let the next request try instead.</summary>
    internal void ReleaseTrial()
    {
        lock (_gate)
        {
            if (_state == HalfOpen)
            {
                _state = Open;
                _openUntil = _time.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// Marks the backend as down (an active probe failed): opens a cooldown as if the failure threshold had been reached,
    /// and keeps an open one from ending for at least <paramref name="hold"/> (until the next probe), so that no request
    /// pays for a backend the probes know is down. A trial in flight is left to decide.
    /// </summary>
    internal void ReportProbeFailure(TimeSpan hold)
    {
        TimeSpan length = TimeSpan.Zero;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            Interlocked.Exchange(ref _lastFailure, now);
            if (_options.Duration <= TimeSpan.Zero)
            {
                return;
            }

            TimeSpan duration = Min(_options.Duration, _options.MaxDuration);
            TimeSpan held = hold > duration ? hold : duration;
            long until = now + (long)(held.TotalSeconds * _time.TimestampFrequency);
            if (_state == Closed)
            {
                _consecutiveFailures = Math.Max(_consecutiveFailures, _options.FailureThreshold);
                _state = Open;
                _lastDuration = duration;
                _openUntil = until;
                _openedByProbe = true;
                length = held;
            }
            else if (_state == Open && until > _openUntil)
            {
                _openUntil = until;
            }
        }

        if (length > TimeSpan.Zero)
        {
            StateChanged?.Invoke(this, true, length);
        }
    }

    /// <summary>
    /// Records that an active probe found the backend answering. A cooldown the probes opened ends now; one opened by
    /// failed requests only stops waiting, so that the next request is its trial: a listed model does not prove that chat
    /// requests work again.
    /// </summary>
    internal void ReportProbeSuccess()
    {
        if (_state == Closed)
        {
            return;
        }

        bool closed = false;
        lock (_gate)
        {
            if (_state != Open)
            {
                // Closed meanwhile, or a trial request is deciding right now.
                return;
            }

            if (_openedByProbe)
            {
                _state = Closed;
                _consecutiveFailures = 0;
                _lastDuration = TimeSpan.Zero;
                _openedByProbe = false;
                closed = true;
            }
            else
            {
                _openUntil = Math.Min(_openUntil, _time.GetTimestamp());
            }
        }

        if (closed)
        {
            StateChanged?.Invoke(this, false, TimeSpan.Zero);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
