namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Active health: probes every backend of a router every <c>Health:ProbeInterval</c> (with jitter) and feeds what it finds
/// into the backends' cooldowns, so that a backend known to be down is skipped before any request pays for it, and one
/// that answers again is tried again.
/// </summary>
/// <remarks>
/// <para>Owned by the <see cref="ModelRouter"/> (started when <c>ProbeInterval</c> is set, stopped when it is disposed), so it
/// works with and without dependency injection. The first round runs at once; rounds never overlap.</para>
/// <para>A loop over <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> rather than a periodic timer: each
/// wait gets its own jitter, and a slow round cannot pile up behind another. Time comes from the router's
/// <see cref="TimeProvider"/>, so tests move a fake clock. Each round's start is fixed before it runs, so a clock moved while
/// a round is in flight still counts.</para>
/// </remarks>
internal sealed class BackendProber : IDisposable
{
    /// <summary>How far each wait may stray from the interval, either way: 10 %, so that many routers do not probe in step.</summary>
    internal const double Jitter = 0.1;

    private readonly Func<CancellationToken, Task<IReadOnlyList<BackendHealthReport>>> _probeAll;
    private readonly IReadOnlyDictionary<string, ChatBackend> _backends;
    private readonly RouterDiagnostics _diagnostics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _hold;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, bool> _lastHealthy = new(StringComparer.OrdinalIgnoreCase);

    internal BackendProber(
        Func<CancellationToken, Task<IReadOnlyList<BackendHealthReport>>> probeAll,
        IReadOnlyDictionary<string, ChatBackend> backends,
        RouterDiagnostics diagnostics,
        TimeProvider time,
        TimeSpan interval,
        TimeSpan probeTimeout)
    {
        _probeAll = probeAll;
        _backends = backends;
        _diagnostics = diagnostics;
        _time = time;
        _interval = interval;

        // A backend found down stays skipped at least until the round after next could have answered.
        _hold = interval * (1 + Jitter) + probeTimeout;
    }

    private int _rounds;

    /// <summary>How many rounds have been applied to the cooldowns (tests wait on it).</summary>
    internal int RoundsCompleted => Volatile.Read(ref _rounds);

    internal TimeSpan Interval => _interval;

    internal Task Running { get; private set; } = Task.CompletedTask;

    internal void Start() => Running = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Stops probing; a round in flight is cancelled. Does not wait for it.</summary>
    public void Dispose()
    {
        // Cancelled but not disposed: the loop may still be reading the token while it winds down, and a source
        // without a timer holds nothing that needs releasing.
        _stopping.Cancel();
    }

    /// <summary>The wait before the next round: the interval, give or take <see cref="Jitter"/>.</summary>
    internal TimeSpan NextDelay() => _interval * (1 - Jitter + (2 * Jitter * Random.Shared.NextDouble()));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            DateTimeOffset nextRound = _time.GetUtcNow() + NextDelay();
            try
            {
                IReadOnlyList<BackendHealthReport> reports = await _probeAll(cancellationToken).ConfigureAwait(false);
                Apply(reports);
                Interlocked.Increment(ref _rounds);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: the router is being disposed, its HTTP clients may be gone already.
                return;
            }
            catch (Exception ex)
            {
                // A background loop must never take the process down; the next round may well succeed.
                _diagnostics.ProbeRoundFailed(ex);
            }

            TimeSpan wait = nextRound - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(TimerDelays.AtMostATimersWait(wait), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Apply(IReadOnlyList<BackendHealthReport> reports)
    {
        foreach (BackendHealthReport report in reports)
        {
            if (!_backends.TryGetValue(report.Backend, out ChatBackend? backend))
            {
                continue;
            }

            // A backend that does not list its model answers chat requests with 404 (vLLM, Ollama): down for routing too.
            bool healthy = report.IsHealthy;
            if (healthy)
            {
                backend.Cooldown.ReportProbeSuccess();
            }
            else
            {
                backend.Cooldown.ReportProbeFailure(_hold);
            }

            // Log changes only: a backend that stays down would otherwise repeat the same warning every round.
            bool wasHealthy = !_lastHealthy.TryGetValue(report.Backend, out bool last) || last;
            _lastHealthy[report.Backend] = healthy;
            if (wasHealthy && !healthy)
            {
                _diagnostics.ProbeFoundDown(report.Backend, report.Error);
            }
            else if (!wasHealthy && healthy)
            {
                _diagnostics.ProbeFoundBack(report.Backend);
            }
        }
    }
}
