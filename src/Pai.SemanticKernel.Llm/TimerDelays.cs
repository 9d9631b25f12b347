namespace Pai.SemanticKernel.Llm;

/// <summary>Turns configured durations into delays that .NET timers accept.</summary>
internal static class TimerDelays
{
    // Timers, Task.Delay and CancellationTokenSource refuse delays above Timer.MaxSupportedTimeout (about 49.7 days).
    private const double MaxDelayMilliseconds = uint.MaxValue - 1;

    /// <summary>
    /// <paramref name="delay"/>, or <see cref="Timeout.InfiniteTimeSpan"/> when it is longer than a timer can wait: the
    /// configuration accepts any positive duration, and one that long is no limit at all. Negative values become zero.
    /// </summary>
    internal static TimeSpan AtMostATimersWait(TimeSpan delay)
    {
        if (delay == Timeout.InfiniteTimeSpan || delay.TotalMilliseconds > MaxDelayMilliseconds)
        {
            return Timeout.InfiniteTimeSpan;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
