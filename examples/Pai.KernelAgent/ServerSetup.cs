using Pai.SemanticKernel.Llm;

namespace Pai.KernelAgent;

/// <summary>Tells the user what is wrong when no configured backend answers.</summary>
internal static class ServerSetup
{
    /// <summary>Probes every backend; prints the unhealthy ones, and a clear message when none answers.</summary>
    internal static async Task<bool> AnyBackendReachableAsync(ModelRouter router)
    {
        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync();
        foreach (BackendHealthReport report in reports.Where(r => !r.IsHealthy))
        {
            Console.Error.WriteLine($"warning: backend '{report.Backend}' ({report.Model} at {report.Endpoint}) is not healthy: {report.Error}");
        }

        if (reports.Any(r => r.Reachable))
        {
            return true;
        }

        Console.Error.WriteLine("No configured backend answers. Start the server or fix the endpoint, then run again.");
        return false;
    }
}
