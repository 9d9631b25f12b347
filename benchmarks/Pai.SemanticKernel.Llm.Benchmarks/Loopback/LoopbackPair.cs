using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm.Benchmarks.Loopback;

/// <summary>
/// The two sides of a loopback comparison: a static responder on 127.0.0.1, the OpenAI SDK client pointed at it directly,
/// and a router with one backend at it, each with the request options it gets.
/// </summary>
public abstract class LoopbackPair
{
    private protected StaticOpenAIResponder Responder { get; private set; } = null!;

    private protected IChatClient DirectClient { get; private set; } = null!;

    private protected ModelRouter RouterClient { get; private set; } = null!;

    private protected ChatOptions DirectOptions { get; private set; } = null!;

    private protected ChatOptions RouterOptions { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        Responder = StaticOpenAIResponder.StartAsync().GetAwaiter().GetResult();
        DirectClient = LoopbackClients.Direct(Responder.V1Endpoint);
        RouterClient = LoopbackClients.Router([Responder.V1Endpoint]);
        DirectOptions = LoopbackClients.DirectOptions();
        RouterOptions = LoopbackClients.RouterOptions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        RouterClient.Dispose();
        DirectClient.Dispose();
        Responder.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
