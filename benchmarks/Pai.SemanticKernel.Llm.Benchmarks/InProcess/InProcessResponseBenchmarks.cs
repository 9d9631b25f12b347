using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

namespace Pai.SemanticKernel.Llm.Benchmarks.InProcess;

/// <summary>
/// What the router adds to one non-streaming call: a <see cref="ModelRouter"/> over an in-memory backend against that
/// backend's client called directly. Both get the same messages and the same options (with an effort, as callers set it).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputJobConfig))]
public class InProcessResponseBenchmarks
{
    private static readonly ChatMessage[] Messages = [new(ChatRole.User, "Say something short.")];
    private readonly ChatOptions _options = new ChatOptions { MaxOutputTokens = 64 }.WithEffort(EffortLevel.Quick);
    private CannedChatClient _direct = null!;
    private ModelRouter _router = null!;

    [GlobalSetup]
    public void Setup()
    {
        _direct = new CannedChatClient(updates: 1);
        _router = CannedBackendProvider.CreateRouter(updates: 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _router.Dispose();

    [Benchmark(Baseline = true, Description = "direct")]
    public Task<ChatResponse> Direct() => _direct.GetResponseAsync(Messages, _options);

    [Benchmark(Description = "router")]
    public Task<ChatResponse> Router() => _router.GetResponseAsync(Messages, _options);
}
