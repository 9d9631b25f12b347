namespace Pai.SemanticKernel.Llm;

/// <summary>What every fallback chain of one router shares: clock, request deadline, diagnostics, secrets to redact.</summary>
internal sealed class RouterRuntime(TimeProvider time, TimeSpan requestTimeout, RouterDiagnostics diagnostics, IReadOnlyList<string?> secrets)
{
    internal TimeProvider Time { get; } = time;

    internal TimeSpan RequestTimeout { get; } = requestTimeout;

    /// <summary><see cref="RequestTimeout"/> in <see cref="Time"/>'s timestamp units, or <see cref="long.MaxValue"/> for none: worked out once, not per request.</summary>
    internal long RequestTimeoutTimestamps { get; } = requestTimeout == Timeout.InfiniteTimeSpan
        ? long.MaxValue
        : (long)(requestTimeout.TotalSeconds * time.TimestampFrequency);

    internal RouterDiagnostics Diagnostics { get; } = diagnostics;

    internal IReadOnlyList<string?> Secrets { get; } = secrets;
}

/// <summary>One position in a tier's chain: the backend, and the effort it serves there (lower than the request's on a degradation ladder).</summary>
internal readonly record struct ChainLink(ChatBackend Backend, EffortLevel? ServedEffort);
