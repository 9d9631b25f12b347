using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pai.SemanticKernel.Llm;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the health check of the <see cref="ModelRouter"/>'s backends with ASP.NET Core health checks.</summary>
public static class PaiLlmHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check that probes every backend of the container's <see cref="ModelRouter"/> (<c>GET {endpoint}/models</c>)
    /// and reports <see cref="HealthStatus.Healthy"/> when all are up, <see cref="HealthStatus.Degraded"/> when some are down
    /// but every tier can still answer, and <paramref name="failureStatus"/> when some tier cannot answer.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name. Default <c>pai-llm</c>.</param>
    /// <param name="failureStatus">The status when a tier cannot answer; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (for example <c>ready</c>).</param>
    /// <param name="timeout">How long the check may take; <see langword="null"/> for no limit beyond each probe's <c>Health:ProbeTimeout</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank.</exception>
    /// <remarks>
    /// <para>The <see cref="ModelRouter"/> is resolved from the container when the check runs: register it (for example
    /// with <c>AddPaiEffortRouting</c>) before the first check.</para>
    /// <para>A backend counts as down when its probe fails (unreachable, or its model not listed) or when failed requests
    /// put it in a cooldown that requests still skip. The result's data has, under <c>backends</c>, one entry per backend
    /// (healthy, provider, endpoint, model, reachable, modelListed, latencyMs, coolingDown, error) and, under <c>tiers</c>,
    /// whether each tier can answer. It never contains an API key.</para>
    /// </remarks>
    public static IHealthChecksBuilder AddPaiLlmBackends(
        this IHealthChecksBuilder builder,
        string name = "pai-llm",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new PaiLlmBackendsHealthCheck(services.GetRequiredService<ModelRouter>()),
            failureStatus,
            tags,
            timeout));
    }
}
