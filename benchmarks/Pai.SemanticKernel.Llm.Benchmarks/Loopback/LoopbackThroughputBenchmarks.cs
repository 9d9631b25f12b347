using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

namespace Pai.SemanticKernel.Llm.Benchmarks.Loopback;

/// <summary>
/// Non-streaming requests over HTTP on 127.0.0.1 from 1 and 32 concurrent callers: the router against the OpenAI SDK
/// client, both sending to the same static responder. The mean is the time per request; throughput is its inverse.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputJobConfig))]
public class LoopbackThroughputBenchmarks : LoopbackPair
{
    /// <summary>Requests per benchmark invocation, split evenly among the callers.</summary>
    internal const int RequestsPerInvoke = 256;

    /// <summary>Concurrent callers.</summary>
    [Params(1, 32)]
    public int Callers { get; set; }

    [Benchmark(Baseline = true, Description = "direct", OperationsPerInvoke = RequestsPerInvoke)]
    public Task Direct() => RunAsync(DirectClient, DirectOptions);

    [Benchmark(Description = "router", OperationsPerInvoke = RequestsPerInvoke)]
    public Task Router() => RunAsync(RouterClient, RouterOptions);

    private Task RunAsync(IChatClient client, ChatOptions options)
    {
        int perCaller = RequestsPerInvoke / Callers;
        var callers = new Task[Callers];
        for (int i = 0; i < callers.Length; i++)
        {
            callers[i] = CallerAsync(client, options, perCaller);
        }

        return Task.WhenAll(callers);
    }

    private static async Task CallerAsync(IChatClient client, ChatOptions options, int requests)
    {
        // Start on the thread pool so that 32 callers really are concurrent from their first request.
        await Task.Yield();
        for (int i = 0; i < requests; i++)
        {
            ChatResponse response = await client.GetResponseAsync(LoopbackClients.Messages, options).ConfigureAwait(false);
            if (response.Messages.Count == 0)
            {
                throw new InvalidOperationException("Empty response.");
            }
        }
    }
}
