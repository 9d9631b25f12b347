using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

namespace Pai.SemanticKernel.Llm.Benchmarks.Loopback;

/// <summary>
/// The loopback comparisons again, with the router and the direct client taking turns in one process: each invocation is
/// a round that times one batch (or one request) of each, in alternating order. On a shared machine whose speed drifts
/// within seconds, benchmarks that run one after the other can differ by more than the 3 % being judged; rounds that
/// alternate see the same drift on both sides. BenchmarkDotNet's own figure for this class is the time of a whole round;
/// the comparison is in <c>results/interleaved-{scenario}.json</c>, which the target report reads.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputJobConfig))]
public class InterleavedLoopbackBenchmarks
{
    internal const string Throughput1 = "throughput-1";
    internal const string Throughput32 = "throughput-32";
    internal const string Latency = "latency";
    internal const string Failover = "failover";
    internal const string Breakdown = "breakdown";

    /// <summary>The layers of the breakdown scenario, outermost last.</summary>
    internal static readonly string[] BreakdownLayers = ["direct", "backend-client", "fallback", "router"];

    internal const int RequestsPerBatch = 512;

    private readonly Dictionary<string, List<double>> _samples = [];
    private StaticOpenAIResponder _responder = null!;
    private IChatClient _direct = null!;
    private ModelRouter _router = null!;
    private ModelRouter? _refusing;
    private ModelRouter? _cooling;
    private FallbackChatClient? _fallbackOnly;
    private ChatOptions _directOptions = null!;
    private ChatOptions _routerOptions = null!;
    private long _round;

    /// <summary>
    /// What is compared: batches at 1 or 32 callers, single requests (latency and first update), failover, or the
    /// breakdown (the same batch through each layer of the router: its OpenAI client alone, a fallback chain over it,
    /// the whole router).
    /// </summary>
    [Params(Throughput1, Throughput32, Latency, Failover, Breakdown)]
    public string Scenario { get; set; } = Throughput1;

    [GlobalSetup]
    public void Setup()
    {
        _responder = StaticOpenAIResponder.StartAsync().GetAwaiter().GetResult();
        _direct = LoopbackClients.Direct(_responder.V1Endpoint);
        _router = LoopbackClients.Router([_responder.V1Endpoint]);
        _directOptions = LoopbackClients.DirectOptions();
        _routerOptions = LoopbackClients.RouterOptions();
        if (Scenario == Failover)
        {
            _refusing = LoopbackClients.Router([StaticOpenAIResponder.RefusedEndpoint(), _responder.V1Endpoint],
                options => options.Cooldown.Duration = TimeSpan.Zero);
            _cooling = LoopbackClients.Router([StaticOpenAIResponder.RefusedEndpoint(), _responder.V1Endpoint], options =>
            {
                options.Cooldown.FailureThreshold = 1;
                options.Cooldown.Duration = TimeSpan.FromHours(1);
                options.Cooldown.MaxDuration = TimeSpan.FromHours(1);
            });
            _ = _cooling.GetResponseAsync(LoopbackClients.Messages, _routerOptions).GetAwaiter().GetResult();
        }

        if (Scenario == Breakdown)
        {
            // A standalone fallback chain over the router's own backend client (default budgets, no request defaults).
            _fallbackOnly = new FallbackChatClient([new("backend0", BackendClient())]);
        }

        WarmUp();
    }

    // BenchmarkDotNet discards its jitting, pilot and warm-up iterations from its own statistics, but every call of Round
    // records samples, and a scenario of long rounds has few of them (36 to 71 in a full run of throughput-1): the first
    // rounds, run on code not yet compiled by the optimizing JIT, weighed on the ratio, and most on the side with more
    // code to compile, the router's. Rounds are played unrecorded for a second (tiered compilation promotes hot methods
    // in the background after a short delay), then recording starts.
    private void WarmUp()
    {
        var clock = Stopwatch.StartNew();
        for (int rounds = 0; rounds < 2 || clock.Elapsed < TimeSpan.FromSeconds(1); rounds++)
        {
            Round().GetAwaiter().GetResult();
        }

        _samples.Clear();
        _round = 0;
    }

    // The OpenAI SDK client the router built for its backend: its HTTP handler, retries off, no SDK timeout.
    private IChatClient BackendClient() => _router.Backends["backend0"].Client;

    [GlobalCleanup]
    public void Cleanup()
    {
        var series = _samples.ToDictionary(pair => pair.Key, pair => InterleavedResults.Summarize(pair.Value));
        var ratios = new Dictionary<string, double>();
        if (Scenario == Breakdown)
        {
            foreach (string layer in BreakdownLayers)
            {
                ratios[layer] = InterleavedResults.RatioOfSums(_samples[layer], _samples["direct"]);
            }

            // Per request, as the other scenarios' series are per batch.
            series = series.ToDictionary(pair => pair.Key, pair => pair.Value with
            {
                Mean = pair.Value.Mean / BreakdownBatch,
                P50 = pair.Value.P50 / BreakdownBatch,
                P90 = pair.Value.P90 / BreakdownBatch,
                P99 = pair.Value.P99 / BreakdownBatch,
                Sum = pair.Value.Sum / BreakdownBatch,
            });
        }

        if (Scenario is Throughput1 or Throughput32)
        {
            // Throughput router / direct: the direct client's total time over the router's, over the same rounds.
            ratios["throughput"] = InterleavedResults.RatioOfSums(_samples["direct"], _samples["router"]);
        }

        InterleavedResults.Write(new InterleavedResult(Scenario, series, ratios));
        _fallbackOnly?.Dispose();
        _refusing?.Dispose();
        _cooling?.Dispose();
        _router.Dispose();
        _direct.Dispose();
        _responder.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "interleaved round")]
    public async Task Round()
    {
        bool directFirst = _round++ % 2 == 0;
        switch (Scenario)
        {
            case Throughput1 or Throughput32:
                int callers = Scenario == Throughput1 ? 1 : 32;
                if (directFirst)
                {
                    Record("direct", await BatchAsync(_direct, _directOptions, callers).ConfigureAwait(false));
                    Record("router", await BatchAsync(_router, _routerOptions, callers).ConfigureAwait(false));
                }
                else
                {
                    Record("router", await BatchAsync(_router, _routerOptions, callers).ConfigureAwait(false));
                    Record("direct", await BatchAsync(_direct, _directOptions, callers).ConfigureAwait(false));
                }

                break;

            case Latency:
                (IChatClient Client, ChatOptions Options, string Name)[] pair = directFirst
                    ? [(_direct, _directOptions, "direct"), (_router, _routerOptions, "router")]
                    : [(_router, _routerOptions, "router"), (_direct, _directOptions, "direct")];
                foreach ((IChatClient client, ChatOptions options, string name) in pair)
                {
                    Record(name + ".response", await ResponseAsync(client, options).ConfigureAwait(false));
                    Record(name + ".first-update", await FirstUpdateAsync(client, options).ConfigureAwait(false));
                }

                break;

            case Breakdown:
                (IChatClient Client, ChatOptions Options)[] layers =
                [
                    (_direct, _directOptions),
                    (BackendClient(), _directOptions),
                    (_fallbackOnly!, _directOptions),
                    (_router, _routerOptions),
                ];
                int start = (int)(_round % layers.Length);
                for (int i = 0; i < layers.Length; i++)
                {
                    int layer = (start + i) % layers.Length;
                    Record(BreakdownLayers[layer], await BatchAsync(layers[layer].Client, layers[layer].Options, callers: 1, BreakdownBatch).ConfigureAwait(false));
                }

                break;

            case Failover:
                // Three clients: rotate which one goes first.
                (IChatClient Client, ChatOptions Options, string Name)[] clients =
                [
                    (_direct, _directOptions, "direct"),
                    (_refusing!, _routerOptions, "refused"),
                    (_cooling!, _routerOptions, "cooling"),
                ];
                int first = (int)(_round % clients.Length);
                for (int i = 0; i < clients.Length; i++)
                {
                    (IChatClient client, ChatOptions options, string name) = clients[(first + i) % clients.Length];
                    Record(name, await ResponseAsync(client, options).ConfigureAwait(false));
                }

                break;
        }
    }

    private void Record(string series, double nanoseconds)
    {
        if (!_samples.TryGetValue(series, out List<double>? samples))
        {
            _samples[series] = samples = [];
        }

        samples.Add(nanoseconds);
    }

    private const int BreakdownBatch = 128;

    private static async Task<double> BatchAsync(IChatClient client, ChatOptions options, int callers, int requests = RequestsPerBatch)
    {
        long started = Stopwatch.GetTimestamp();
        var tasks = new Task[callers];
        for (int i = 0; i < callers; i++)
        {
            tasks[i] = CallerAsync(client, options, requests / callers);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started).TotalNanoseconds;
    }

    private static async Task CallerAsync(IChatClient client, ChatOptions options, int requests)
    {
        await Task.Yield();
        for (int i = 0; i < requests; i++)
        {
            _ = await client.GetResponseAsync(LoopbackClients.Messages, options).ConfigureAwait(false);
        }
    }

    private static async Task<double> ResponseAsync(IChatClient client, ChatOptions options)
    {
        long started = Stopwatch.GetTimestamp();
        _ = await client.GetResponseAsync(LoopbackClients.Messages, options).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started).TotalNanoseconds;
    }

    // Time until the first text update (both sides skip the role-only chunk); the rest of the stream is read untimed.
    private static async Task<double> FirstUpdateAsync(IChatClient client, ChatOptions options)
    {
        long started = Stopwatch.GetTimestamp();
        double first = double.NaN;
        await using IAsyncEnumerator<ChatResponseUpdate> updates = client.GetStreamingResponseAsync(LoopbackClients.Messages, options).GetAsyncEnumerator();
        while (await updates.MoveNextAsync().ConfigureAwait(false))
        {
            if (double.IsNaN(first) && updates.Current.Text is { Length: > 0 })
            {
                first = Stopwatch.GetElapsedTime(started).TotalNanoseconds;
            }
        }

        return first;
    }
}
