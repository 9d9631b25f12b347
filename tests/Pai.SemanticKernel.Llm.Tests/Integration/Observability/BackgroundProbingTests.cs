using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Observability;

/// <summary>
/// Background probing (<c>Health:ProbeInterval</c>) over real HTTP with a fake clock: backend <c>a</c> on its own server,
/// so that its <c>/models</c> can be down while <c>b</c>'s is up.
/// </summary>
public sealed class BackgroundProbingTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NextRound = Interval * (1 + BackendProber.Jitter);
    private readonly FakeTimeProvider _time = new();
    private ScriptedOpenAIServer _serverA = null!;
    private ScriptedOpenAIServer _serverB = null!;

    public async Task InitializeAsync()
    {
        _serverA = await ScriptedOpenAIServer.StartAsync();
        _serverB = await ScriptedOpenAIServer.StartAsync();
        _serverB.ServeModels(Secondary).Always(Secondary, ScriptedReply.Text("from b"));
    }

    public async Task DisposeAsync()
    {
        await _serverA.DisposeAsync();
        await _serverB.DisposeAsync();
    }

    [Fact]
    public async Task A_backend_the_probes_find_down_is_skipped_before_any_request_pays_for_it()
    {
        ADown();
        using Observed observed = Probing();
        await Rounds(observed).NextAsync();

        for (int i = 0; i < 3; i++)
        {
            (await observed.Router.GetResponseAsync(Hello())).Text.Should().Be("from b");
        }

        _serverA.CountRequests().Should().Be(0, "the probe already knew that a was down");
        observed.Router.Backends["a"].Cooldown.IsSkipped.Should().BeTrue();
    }

    [Fact]
    public async Task A_backend_that_does_not_list_its_model_is_skipped_too()
    {
        _serverA.ServeModels("some-other-model").Always(Primary, ScriptedReply.Status(404));
        using Observed observed = Probing();
        await Rounds(observed).NextAsync();

        (await observed.Router.GetResponseAsync(Hello())).Text.Should().Be("from b");

        _serverA.CountRequests().Should().Be(0);
    }

    [Fact]
    public async Task The_probes_keep_a_down_backend_skipped_past_its_cooldown_until_the_next_round()
    {
        ADown();
        using Observed observed = Probing();
        await Rounds(observed).NextAsync();

        _time.Advance(Interval * 0.8);

        (await observed.Router.GetResponseAsync(Hello())).Text.Should().Be("from b");
        _serverA.CountRequests().Should().Be(0, "the 5 s cooldown is over, but the next probe is not due yet");
    }

    [Fact]
    public async Task A_backend_that_answers_the_probes_again_comes_back()
    {
        ADown();
        using Observed observed = Probing();
        ProbeRounds rounds = Rounds(observed);
        await rounds.NextAsync();

        AUp();
        _time.Advance(NextRound);
        await rounds.NextAsync();

        observed.Router.Backends["a"].Cooldown.IsCoolingDown.Should().BeFalse();
        (await observed.Router.GetResponseAsync(Hello())).Text.Should().Be("from a");
        IReadOnlyList<FakeLogRecord> probeLogs = [.. observed.Logs.GetSnapshot().Where(r => r.Id.Id is 8 or 9)];
        probeLogs.Select(r => (r.Id.Id, r.Level, r.GetStructuredStateValue("Backend"))).Should().Equal((8, LogLevel.Warning, "a"), (9, LogLevel.Information, "a"));
    }

    [Fact]
    public async Task After_failed_requests_a_good_probe_makes_the_next_request_the_trial_instead_of_waiting()
    {
        _serverA.ServeModels(Primary).Always(Primary, ScriptedReply.Status(500));
        using Observed observed = Probing(cooldown: TimeSpan.FromMinutes(10));
        ProbeRounds rounds = Rounds(observed);
        await rounds.NextAsync();
        for (int i = 0; i < 3; i++)
        {
            await observed.Router.GetResponseAsync(Hello());
        }

        observed.Router.Backends["a"].Cooldown.IsSkipped.Should().BeTrue("three failed requests opened a 10 minute cooldown");
        _serverA.Always(Primary, ScriptedReply.Text("from a"));
        _time.Advance(NextRound);
        await rounds.NextAsync();

        (await observed.Router.GetResponseAsync(Hello())).Text.Should().Be("from a", "the probe found the server up, so the next request tried it");
        _serverA.CountRequests().Should().Be(4);
    }

    [Fact]
    public async Task Each_round_probes_every_backend_once_and_waits_the_interval_give_or_take_the_jitter()
    {
        AUp();
        using Observed observed = Probing();
        ProbeRounds rounds = Rounds(observed);
        await rounds.NextAsync();
        ModelRequests().Should().Be((1, 1));

        _time.Advance(Interval * (1 - BackendProber.Jitter) - TimeSpan.FromMilliseconds(1));
        await Task.Delay(200);
        ModelRequests().Should().Be((1, 1), "no round is due before the interval less the jitter");

        _time.Advance(Interval * (2 * BackendProber.Jitter) + TimeSpan.FromMilliseconds(2));
        await rounds.NextAsync();
        ModelRequests().Should().Be((2, 2));
    }

    [Fact]
    public void The_wait_between_rounds_varies_within_the_jitter()
    {
        using Observed observed = Probing();
        BackendProber prober = observed.Router.Prober!;

        TimeSpan[] waits = [.. Enumerable.Range(0, 200).Select(_ => prober.NextDelay())];

        waits.Should().OnlyContain(w => w >= Interval * 0.9 && w <= Interval * 1.1);
        waits.Distinct().Should().HaveCountGreaterThan(100);
    }

    [Fact]
    public async Task Without_a_probe_interval_there_is_no_background_probing()
    {
        using Observed observed = Observed.TwoBackends(_serverB, _time);

        observed.Router.Prober.Should().BeNull();
        _time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(100);
        _serverB.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Disposing_the_router_stops_the_probes()
    {
        AUp();
        Observed observed = Probing();
        await Rounds(observed).NextAsync();
        Task running = observed.Router.Prober!.Running;

        observed.Dispose();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        _time.Advance(NextRound * 3);
        await Task.Delay(200);

        ModelRequests().Should().Be((1, 1));
    }

    private (int A, int B) ModelRequests() =>
        (_serverA.Requests.Count(r => r.Path == ScriptedOpenAIServer.ModelsPath), _serverB.Requests.Count(r => r.Path == ScriptedOpenAIServer.ModelsPath));

    private void ADown() => _serverA.SetModelsReply(ScriptedReply.Status(503)).Always(Primary, ScriptedReply.Status(503));

    private void AUp() => _serverA.SetModelsReply(null).ServeModels(Primary).Always(Primary, ScriptedReply.Text("from a"));

    private Observed Probing(TimeSpan? cooldown = null) => Observed.TwoBackends(_serverB, _time, _serverA.V1Endpoint, options =>
    {
        options.Health.ProbeInterval = Interval;
        options.Cooldown.Duration = cooldown ?? TimeSpan.FromSeconds(5);
        options.Cooldown.MaxDuration = TimeSpan.FromHours(1);
    });

    private static ProbeRounds Rounds(Observed observed) => new(observed.Router.Prober!);

    /// <summary>Waits for the prober's rounds one after the other (a round that ended before counts).</summary>
    private sealed class ProbeRounds(BackendProber prober)
    {
        private int _awaited;

        internal async Task NextAsync()
        {
            int target = ++_awaited;
            var patience = System.Diagnostics.Stopwatch.StartNew();
            while (prober.RoundsCompleted < target)
            {
                patience.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), $"probe round {target} should have completed");
                await Task.Delay(10);
            }
        }
    }
}
