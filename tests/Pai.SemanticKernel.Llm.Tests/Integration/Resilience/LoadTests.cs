using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Testing;
using Xunit.Abstractions;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Resilience;

/// <summary>
/// Bounded load over three scripted backends on loopback, two of them failing at random with mixed faults: every request
/// is answered, nothing escapes the router, and neither sockets nor threads grow.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class LoadTests(ITestOutputHelper output)
{
    private const string Answer = "steady answer";
    private const int Requests = 5000;
    private const int Concurrency = 200;

    [Fact]
    public async Task Five_thousand_requests_at_200_concurrency_over_flaky_backends_are_all_answered_without_leaks()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using ScriptedOpenAIServer flaky1 = await ScriptedOpenAIServer.StartAsync(budget.Token);
        await using ScriptedOpenAIServer flaky2 = await ScriptedOpenAIServer.StartAsync(budget.Token);
        await using ScriptedOpenAIServer healthy = await ScriptedOpenAIServer.StartAsync(budget.Token);
        var faults = new FaultCounter();
        flaky1.Always(null, Flaky(faults));
        flaky2.Always(null, Flaky(faults));
        healthy.Always(null, ScriptedReply.Text(Answer));

        var options = new PaiLlmOptions();
        options.Backends["flaky1"] = new BackendOptions { Endpoint = flaky1.V1Endpoint, Model = "m1" };
        options.Backends["flaky2"] = new BackendOptions { Endpoint = flaky2.V1Endpoint, Model = "m2" };
        options.Backends["healthy"] = new BackendOptions { Endpoint = healthy.V1Endpoint, Model = "m3" };
        foreach (string name in options.Backends.Keys)
        {
            options.Tier(EffortLevel.Standard).Backends.Add(name);
        }

        // Short cooldowns keep the flaky backends in play, so that most of the load really meets their faults: a round
        // can take well under a second, and cooldowns of hundreds of milliseconds hid the flaky backends for most of it.
        options.Cooldown.Duration = TimeSpan.FromMilliseconds(10);
        options.Cooldown.MaxDuration = TimeSpan.FromMilliseconds(40);

        (int sockets, int threads) baseline = Resources();
        var router = new ModelRouter(options);

        // Two identical rounds: the second must not hold more sockets or threads than the first left behind.
        (int firstAnswered, List<Exception> firstEscaped) = await RunAsync(router, Requests, budget.Token);
        (int sockets, int threads) warm = Resources();
        int faultsBefore = faults.Count;

        var clock = Stopwatch.StartNew();
        (int answered, List<Exception> escaped) = await RunAsync(router, Requests, budget.Token);
        clock.Stop();
        (int sockets, int threads) loaded = Resources();

        router.Dispose();
        await Task.Delay(TimeSpan.FromSeconds(1));
        (int sockets, int threads) after = Resources();

        output.WriteLine($"{Requests} requests in {clock.Elapsed.TotalSeconds:0.0} s; faults injected: {faults.Count - faultsBefore}; " +
                         $"sockets baseline/warm/loaded/after-dispose {baseline.sockets}/{warm.sockets}/{loaded.sockets}/{after.sockets}; " +
                         $"threads {baseline.threads}/{warm.threads}/{loaded.threads}/{after.threads}");
        firstEscaped.Concat(escaped).Should().BeEmpty();
        (firstAnswered, answered).Should().Be((Requests, Requests));
        // How many faults are met depends on how often the flaky backends are cooling down (timing), hence a low floor.
        (faults.Count - faultsBefore).Should().BeGreaterThan(Requests / 50, "the backends really did fail");
        loaded.sockets.Should().BeLessThanOrEqualTo(warm.sockets + warm.sockets / 4 + 16, "a busy router reuses its connections instead of leaking new ones");
        after.sockets.Should().BeLessThanOrEqualTo(baseline.sockets + 16, "disposing the router closes its connections");
        loaded.threads.Should().BeLessThanOrEqualTo(warm.threads + 32, "the router starts no threads of its own per request");
    }

    private static async Task<(int Answered, List<Exception> Escaped)> RunAsync(IChatClient router, int count, CancellationToken cancellationToken)
    {
        int answered = 0;
        var escaped = new List<Exception>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                string text;
                if (i % 2 == 0)
                {
                    text = (await router.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: ct)).Text;
                }
                else
                {
                    var builder = new StringBuilder();
                    await foreach (ChatResponseUpdate update in router.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: ct))
                    {
                        builder.Append(update.Text);
                    }

                    text = builder.ToString();
                }

                if (text == Answer || text == "flaky but fine")
                {
                    Interlocked.Increment(ref answered);
                }
            }
            catch (Exception ex)
            {
                lock (escaped)
                {
                    escaped.Add(ex);
                }
            }
        });
        return (answered, escaped);
    }

    /// <summary>Answers 70% of requests; fails the rest with a random fault that costs no waiting.</summary>
    private static ScriptedReply Flaky(FaultCounter faults) => ScriptedReply.Custom(async context =>
    {
        int roll = Random.Shared.Next(100);
        bool streaming = context.Request.Headers.Accept.ToString().Contains("event-stream", StringComparison.Ordinal) || await IsStreamingAsync(context);
        if (roll >= 30)
        {
            await WriteAnswerAsync(context, streaming);
            return;
        }

        faults.Increment();
        switch (roll % 6)
        {
            case 0:
                context.Response.StatusCode = 500;
                break;
            case 1:
                context.Response.StatusCode = 503;
                break;
            case 2:
                context.Response.StatusCode = 429;
                break;
            case 3:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"id\": \"x\", \"choices\": [");
                break;
            case 4:
                context.Response.StatusCode = 502;
                break;
            default:
                // Headers and a role-only chunk, then a reset: nothing the caller has seen.
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(20);
                context.Abort();
                break;
        }
    });

    private static async Task<bool> IsStreamingAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
        string body = await reader.ReadToEndAsync();
        context.Request.Body.Position = 0;
        return body.Contains("\"stream\":true", StringComparison.Ordinal);
    }

    private static async Task WriteAnswerAsync(HttpContext context, bool streaming)
    {
        const string text = "flaky but fine";
        if (!streaming)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"{{text}}"},"finish_reason":"stop"}]}""");
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync($$"""data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"{{text}}"},"finish_reason":null}]}""" + "\n\n");
        await context.Response.WriteAsync("""data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\ndata: [DONE]\n\n");
    }

    private static (int Sockets, int Threads) Resources()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int sockets = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false;
            }
        });
        using Process process = Process.GetCurrentProcess();
        return (sockets, process.Threads.Count);
    }

    private sealed class FaultCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Increment() => Interlocked.Increment(ref _count);
    }
}

/// <summary>Runs the load test alone, so that other tests' sockets and threads do not blur its counts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "Load";
}
