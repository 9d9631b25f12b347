using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

namespace Pai.SemanticKernel.Llm.Benchmarks.Loopback;

/// <summary>
/// One request per iteration over HTTP on 127.0.0.1, so that the iterations are the latency distribution: a whole
/// non-streaming answer, and the time until a stream's first text update. The rest of a stream is read after the
/// iteration (outside the measurement), so that its connection goes back to the pool as in real use.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PerRequestJobConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LoopbackLatencyBenchmarks : LoopbackPair
{
    internal const string ResponseCategory = "response";
    internal const string FirstUpdateCategory = "first-update";

    private IAsyncEnumerator<ChatResponseUpdate>? _unfinished;

    [IterationCleanup]
    public void FinishStream()
    {
        if (_unfinished is { } updates)
        {
            _unfinished = null;
            DrainAsync(updates).GetAwaiter().GetResult();
        }
    }

    [BenchmarkCategory(ResponseCategory)]
    [Benchmark(Baseline = true, Description = "direct")]
    public Task<ChatResponse> DirectResponse() => DirectClient.GetResponseAsync(LoopbackClients.Messages, DirectOptions);

    [BenchmarkCategory(ResponseCategory)]
    [Benchmark(Description = "router")]
    public Task<ChatResponse> RouterResponse() => RouterClient.GetResponseAsync(LoopbackClients.Messages, RouterOptions);

    [BenchmarkCategory(FirstUpdateCategory)]
    [Benchmark(Baseline = true, Description = "direct")]
    public Task<string> DirectFirstUpdate() => FirstTextAsync(DirectClient, DirectOptions);

    [BenchmarkCategory(FirstUpdateCategory)]
    [Benchmark(Description = "router")]
    public Task<string> RouterFirstUpdate() => FirstTextAsync(RouterClient, RouterOptions);

    // The direct stream starts with a role-only chunk that the router holds back; both sides stop at the first text.
    private async Task<string> FirstTextAsync(IChatClient client, ChatOptions options)
    {
        IAsyncEnumerator<ChatResponseUpdate> updates = client.GetStreamingResponseAsync(LoopbackClients.Messages, options).GetAsyncEnumerator();
        _unfinished = updates;
        while (await updates.MoveNextAsync().ConfigureAwait(false))
        {
            if (updates.Current.Text is { Length: > 0 } text)
            {
                return text;
            }
        }

        throw new InvalidOperationException("The stream ended without text.");
    }

    private static async Task DrainAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        await using (updates.ConfigureAwait(false))
        {
            while (await updates.MoveNextAsync().ConfigureAwait(false))
            {
            }
        }
    }
}
