using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The ASP.NET Core health check of a <see cref="ModelRouter"/>'s backends: Healthy when all of them are up, Degraded when
/// some are down but every tier can still answer, Unhealthy (the registration's failure status) when some tier cannot.
/// </summary>
/// <remarks>
/// A backend is down when its probe fails (unreachable, or its model not listed) or when real traffic put it in a
/// cooldown that requests still skip. A tier can answer while any backend of its chain (its own, lower tiers' when it
/// degrades, the fallbacks) is up. The data has one entry per backend under <c>backends</c> and one per tier under
/// <c>tiers</c>; it holds endpoints without user-info, and never an API key.
/// </remarks>
internal sealed class PaiLlmBackendsHealthCheck(ModelRouter router) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync(cancellationToken).ConfigureAwait(false);

        var down = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var backends = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (BackendHealthReport report in reports)
        {
            bool skipped = router.Backends.TryGetValue(report.Backend, out ChatBackend? backend) && backend.Cooldown.IsSkipped;
            bool up = report.IsHealthy && !skipped;
            if (!up)
            {
                down[report.Backend] = report.Error ?? (skipped ? "cooling down after failed requests" : "unhealthy");
            }

            backends[report.Backend] = new Dictionary<string, object?>
            {
                ["healthy"] = up,
                ["provider"] = report.Provider,
                ["endpoint"] = report.Endpoint,
                ["model"] = report.Model,
                ["reachable"] = report.Reachable,
                ["modelListed"] = report.ModelListed,
                ["latencyMs"] = Math.Round(report.Latency.TotalMilliseconds, 1),
                ["coolingDown"] = skipped,
                ["error"] = report.Error,
            };
        }

        var tiers = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        var silent = new List<string>();
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            bool canAnswer = router.GetChain(effort).Any(name => !down.ContainsKey(name));
            tiers[EffortParser.ToName(effort)] = canAnswer;
            if (!canAnswer)
            {
                silent.Add(EffortParser.ToName(effort));
            }
        }

        var data = new Dictionary<string, object> { ["backends"] = backends, ["tiers"] = tiers };
        if (down.Count == 0)
        {
            return HealthCheckResult.Healthy(
                string.Create(CultureInfo.InvariantCulture, $"All {reports.Count} backend(s) answer and serve their models."), data);
        }

        string downList = string.Join("; ", down.Select(entry => $"{entry.Key} ({entry.Value.TrimEnd('.')})"));
        if (silent.Count == 0)
        {
            return HealthCheckResult.Degraded($"Backend(s) down: {downList}. Every tier can still answer.", data: data);
        }

        return new HealthCheckResult(
            context.Registration?.FailureStatus ?? HealthStatus.Unhealthy,
            $"Tier(s) {string.Join(", ", silent)} cannot answer: every backend of the chain is down. Backend(s) down: {downList}.",
            data: data);
    }
}
