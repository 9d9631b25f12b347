namespace Pai.SemanticKernel.Llm;

/// <summary>
/// When a failing backend is skipped: binds to the <c>Cooldown</c> entry of the configuration section.
/// </summary>
/// <remarks>
/// A backend cools down after <see cref="FailureThreshold"/> consecutive failures, or at once when it answers 429 or 503
/// with a <c>Retry-After</c> header. While it cools down, requests skip it at no cost; when the cooldown ends, one trial
/// request decides whether it is back. Each failed trial doubles the cooldown, up to <see cref="MaxDuration"/>.
/// </remarks>
public sealed class CooldownOptions
{
    /// <summary>Consecutive failures that start a cooldown. Default 3.</summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>How long a backend is skipped after it reached <see cref="FailureThreshold"/>. Default 5 seconds; <see cref="TimeSpan.Zero"/> disables cooldown.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest cooldown, whether from repeated failures or from a <c>Retry-After</c> header. Default 1 minute.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Returns the settings.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"after {FailureThreshold} failures for {Duration} (max {MaxDuration})";
}
