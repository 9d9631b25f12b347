namespace Pai.SemanticKernel.Llm;

/// <summary>What a health probe found out about one backend. Contains no secrets.</summary>
/// <param name="Backend">The backend's name.</param>
/// <param name="Provider">The backend's provider.</param>
/// <param name="Endpoint">The endpoint probed, without credentials; <see langword="null"/> for in-process backends.</param>
/// <param name="Model">The configured model.</param>
/// <param name="Reachable">Whether the backend answered the probe successfully.</param>
/// <param name="ModelListed">Whether the backend lists the configured model; <see langword="null"/> when it could not be told.</param>
/// <param name="Latency">How long the probe took.</param>
/// <param name="Error">Why the backend is not healthy, or <see langword="null"/>.</param>
public sealed record BackendHealthReport(
    string Backend,
    string Provider,
    string? Endpoint,
    string Model,
    bool Reachable,
    bool? ModelListed,
    TimeSpan Latency,
    string? Error)
{
    /// <summary>The models the backend listed, when it listed any.</summary>
    public IReadOnlyList<string> ListedModels { get; init; } = [];

    /// <summary>Whether the backend can serve requests: reachable, and not known to lack its model.</summary>
    public bool IsHealthy => Reachable && ModelListed != false;
}
