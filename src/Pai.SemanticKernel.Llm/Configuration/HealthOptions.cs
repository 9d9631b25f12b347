namespace Pai.SemanticKernel.Llm;

/// <summary>Active health probing: binds to the <c>Health</c> entry of the configuration section.</summary>
public sealed class HealthOptions
{
    /// <summary>How often each backend is probed in the background (with jitter). <see langword="null"/> (the default) disables background probing.</summary>
    /// <remarks>
    /// The router probes every backend when it is built and then every interval (give or take 10 %). A backend found down
    /// (unreachable, or not listing its model) is skipped by requests until a later round finds it up; one that failed
    /// requests but answers the probe gets its trial request at once. Needs <c>Cooldown:Duration</c> above zero.
    /// </remarks>
    public TimeSpan? ProbeInterval { get; set; }

    /// <summary>The longest wait for a probe's <c>GET {Endpoint}/models</c>. Default 5 seconds.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether start-up compares each backend's configured model with the models it lists. Default <see cref="ModelValidationMode.Off"/>.</summary>
    public ModelValidationMode ValidateModelsOnStart { get; set; } = ModelValidationMode.Off;
}

/// <summary>What start-up does when a backend does not list its configured model.</summary>
public enum ModelValidationMode
{
    /// <summary>No check.</summary>
    Off = 0,

    /// <summary>Log a warning naming the backend and model.</summary>
    Warn = 1,

    /// <summary>Fail start-up with an exception naming the backend and model.</summary>
    Fail = 2,
}
