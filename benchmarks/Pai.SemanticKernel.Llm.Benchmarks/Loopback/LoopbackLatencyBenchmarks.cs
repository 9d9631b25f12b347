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
public class LoopbackLatencyBenchmarks
{
    internal const string ResponseCategory = "response";
    internal const string FirstUpdateCategory = "first-update";

    private StaticOpenAIResponder _responder = null!;
    private IChatClient _direct = null!;
    private ModelRouter _router = null!;
    private ChatOptions _directOptions = null!;
    private ChatOptions _routerOptions = null!;
    private IAsyncEnumerator<ChatResponseUpdate>? _unfinished;

    [GlobalSetup]
    public void Setup()
    {
        _responder = StaticOpenAIResponder.StartAsync().GetAwaiter().GetResult();
        _direct = LoopbackClients.Direct(_responder.V1Endpoint);
        _router = LoopbackClients.Router([_responder.V1Endpoint]);
        _directOptions = LoopbackClients.DirectOptions();
        _routerOptions = LoopbackClients.RouterOptions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _router.Dispose();
        _direct.Dispose();
        _responder.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

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
    public Task<ChatResponse> DirectResponse() => _direct.GetResponseAsync(LoopbackClients.Messages, _directOptions);

    [BenchmarkCategory(ResponseCategory)]
    [Benchmark(Description = "router")]
    public Task<ChatResponse> RouterResponse() => _router.GetResponseAsync(LoopbackClients.Messages, _routerOptions);

    [BenchmarkCategory(FirstUpdateCategory)]
    [Benchmark(Baseline = true, Description = "direct")]
    public Task<string> DirectFirstUpdate() => FirstTextAsync(_direct, _directOptions);

    [BenchmarkCategory(FirstUpdateCategory)]
    [Benchmark(Description = "router")]
    public Task<string> RouterFirstUpdate() => FirstTextAsync(_router, _routerOptions);

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
