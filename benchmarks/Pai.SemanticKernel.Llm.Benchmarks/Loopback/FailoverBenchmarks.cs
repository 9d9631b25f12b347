using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

namespace Pai.SemanticKernel.Llm.Benchmarks.Loopback;

/// <summary>
/// What failover costs, one request per iteration over HTTP on 127.0.0.1: a router whose primary refuses connections
/// and whose secondary answers, with cooldown off (every request meets the refusal) and with the primary cooling down
/// (requests skip it), against the OpenAI SDK client sent straight to the secondary.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PerRequestJobConfig))]
public class FailoverBenchmarks
{
    private StaticOpenAIResponder _secondary = null!;
    private IChatClient _direct = null!;
    private ModelRouter _refusing = null!;
    private ModelRouter _cooling = null!;
    private ChatOptions _directOptions = null!;
    private ChatOptions _routerOptions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _secondary = StaticOpenAIResponder.StartAsync().GetAwaiter().GetResult();
        _direct = LoopbackClients.Direct(_secondary.V1Endpoint);
        _directOptions = LoopbackClients.DirectOptions();
        _routerOptions = LoopbackClients.RouterOptions();

        // Cooldown off: every request tries the refusing primary first.
        _refusing = LoopbackClients.Router([StaticOpenAIResponder.RefusedEndpoint(), _secondary.V1Endpoint],
            options => options.Cooldown.Duration = TimeSpan.Zero);
        ExpectServedBySecondary(_refusing);

        // One failure opens an hour's cooldown: after the first request, requests skip the primary.
        _cooling = LoopbackClients.Router([StaticOpenAIResponder.RefusedEndpoint(), _secondary.V1Endpoint], options =>
        {
            options.Cooldown.FailureThreshold = 1;
            options.Cooldown.Duration = TimeSpan.FromHours(1);
            options.Cooldown.MaxDuration = TimeSpan.FromHours(1);
        });
        ExpectServedBySecondary(_cooling);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _refusing.Dispose();
        _cooling.Dispose();
        _direct.Dispose();
        _secondary.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private void ExpectServedBySecondary(ModelRouter router)
    {
        ChatResponse response = router.GetResponseAsync(LoopbackClients.Messages, _routerOptions).GetAwaiter().GetResult();
        if (response.AdditionalProperties?[PaiPropertyNames.Backend] as string != "backend1")
        {
            throw new InvalidOperationException("The router did not fail over to the secondary.");
        }
    }

    [Benchmark(Baseline = true, Description = "direct to secondary")]
    public Task<ChatResponse> DirectToSecondary() => _direct.GetResponseAsync(LoopbackClients.Messages, _directOptions);

    [Benchmark(Description = "router, primary refuses")]
    public Task<ChatResponse> RouterPrimaryRefused() => _refusing.GetResponseAsync(LoopbackClients.Messages, _routerOptions);

    [Benchmark(Description = "router, primary cooling down")]
    public Task<ChatResponse> RouterPrimaryCooling() => _cooling.GetResponseAsync(LoopbackClients.Messages, _routerOptions);
}
