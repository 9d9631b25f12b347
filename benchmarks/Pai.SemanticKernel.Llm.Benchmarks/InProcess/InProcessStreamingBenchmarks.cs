using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

namespace Pai.SemanticKernel.Llm.Benchmarks.InProcess;

/// <summary>
/// What the router adds to a stream read to its end, at 1 and 200 updates: the difference between the two sizes is the
/// cost per update, with the cost per request taken out.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputJobConfig))]
public class InProcessStreamingBenchmarks
{
    private static readonly ChatMessage[] Messages = [new(ChatRole.User, "Say something short.")];
    private readonly ChatOptions _options = new ChatOptions { MaxOutputTokens = 64 }.WithEffort(EffortLevel.Quick);
    private CannedChatClient _direct = null!;
    private ModelRouter _router = null!;

    /// <summary>Updates per stream.</summary>
    [Params(1, 200)]
    public int Updates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _direct = new CannedChatClient(Updates);
        _router = CannedBackendProvider.CreateRouter(Updates);
    }

    [GlobalCleanup]
    public void Cleanup() => _router.Dispose();

    [Benchmark(Baseline = true, Description = "direct")]
    public Task<int> Direct() => ReadAllAsync(_direct);

    [Benchmark(Description = "router")]
    public Task<int> Router() => ReadAllAsync(_router);

    private async Task<int> ReadAllAsync(IChatClient client)
    {
        int count = 0;
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(Messages, _options).ConfigureAwait(false))
        {
            count += update.Contents.Count;
        }

        return count;
    }
}
