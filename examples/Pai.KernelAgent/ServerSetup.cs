using Pai.SemanticKernel.Llm;

namespace Pai.KernelAgent;

/// <summary>Tells the user what to configure when no server is configured or none answers.</summary>
internal static class ServerSetup
{
    internal const string NothingConfigured = """
        No LLM server is configured. Point the example at an OpenAI-compatible server, for example:
          export VLLM_ENDPOINT=http://localhost:8000/v1            (vLLM with the Qwen 2.5 7B/32B/72B preset)
          export USE_OLLAMA=true                                    (Ollama at http://localhost:11434/v1: qwen2.5:7b/32b/72b)
        or one model for every tier:
          export Pai__Llm__Backends__local__Endpoint=http://localhost:11434/v1
          export Pai__Llm__Backends__local__Model=qwen2.5:7b
          export Pai__Llm__Tiers__standard__Backends__0=local
        See docs/semantic-kernel-and-di.md.
        """;

    private static readonly string[] SeedVariables =
        ["VLLM_ENDPOINT", "LLM_ENDPOINT", "USE_OLLAMA", "LLM_PROVIDER", "OLLAMA_ENDPOINT", "PAI_FALLBACK_ENDPOINT", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"];

    internal static bool SeedVariablesSet() => SeedVariables.Any(name => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name)));

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
