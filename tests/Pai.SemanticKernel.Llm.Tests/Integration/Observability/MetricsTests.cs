using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Observability;

/// <summary>The router's metrics, read with <see cref="MetricCollector{T}"/> from a meter factory of the test's own.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_served_request_counts_one_request_and_one_successful_attempt_and_no_failover()
    {
        _server.Always(Primary, ScriptedReply.Text("from a"));
        using Observed observed = Observed.TwoBackends(_server);
        using MetricCollector<long> requests = observed.Collect<long>("pai.requests");
        using MetricCollector<long> attempts = observed.Collect<long>("pai.attempts");
        using MetricCollector<long> failovers = observed.Collect<long>("pai.failovers");
        using MetricCollector<double> duration = observed.Collect<double>("pai.request.duration");

        await observed.Router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Quick));

        CollectedMeasurement<long> request = requests.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        request.Value.Should().Be(1);
        request.Tags.Should().Equal(new Dictionary<string, object?> { ["pai.effort"] = "quick", ["pai.backend"] = "a", ["pai.outcome"] = "success" });
        CollectedMeasurement<long> attempt = attempts.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        attempt.Tags.Should().Equal(new Dictionary<string, object?> { ["pai.effort"] = "quick", ["pai.backend"] = "a", ["pai.outcome"] = "success" });
        failovers.GetMeasurementSnapshot().Should().BeEmpty();
        CollectedMeasurement<double> took = duration.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        took.Value.Should().BePositive();
        took.Tag("pai.backend").Should().Be("a");
        took.Tag("pai.effort").Should().Be("quick");
    }

    [Fact]
    public async Task A_failover_counts_the_failed_attempt_by_reason_and_the_request_as_served_by_the_next_backend()
    {
        _server.Always(Primary, ScriptedReply.Status(503)).Always(Secondary, ScriptedReply.Text("from b"));
        using Observed observed = Observed.TwoBackends(_server);
        using MetricCollector<long> requests = observed.Collect<long>("pai.requests");
        using MetricCollector<long> attempts = observed.Collect<long>("pai.attempts");
        using MetricCollector<long> failovers = observed.Collect<long>("pai.failovers");

        await observed.Router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Standard));

        CollectedMeasurement<long> failover = failovers.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        failover.Value.Should().Be(1);
        failover.Tags.Should().Equal(new Dictionary<string, object?>
        {
            ["pai.effort"] = "standard", ["pai.backend"] = "a", ["pai.failure.reason"] = "server_error", ["error.type"] = "503",
        });
        attempts.GetMeasurementSnapshot().Select(m => (m.Tag("pai.backend"), m.Tag("pai.outcome"), m.Tag("pai.failure.reason")))
            .Should().Equal(("a", "failure", "server_error"), ("b", "success", null));
        requests.GetMeasurementSnapshot().Should().ContainSingle()
            .Which.Tags.Should().Equal(new Dictionary<string, object?> { ["pai.effort"] = "standard", ["pai.backend"] = "b", ["pai.outcome"] = "success" });
    }

    [Fact]
    public async Task An_exhausted_chain_counts_the_request_as_exhausted_and_only_real_failovers()
    {
        _server.Always(Primary, ScriptedReply.Status(502)).Always(Secondary, ScriptedReply.Status(504));
        using Observed observed = Observed.TwoBackends(_server);
        using MetricCollector<long> requests = observed.Collect<long>("pai.requests");
        using MetricCollector<long> attempts = observed.Collect<long>("pai.attempts");
        using MetricCollector<long> failovers = observed.Collect<long>("pai.failovers");

        Func<Task> act = () => observed.Router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Determined));

        await act.Should().ThrowAsync<AllBackendsFailedException>();
        requests.GetMeasurementSnapshot().Should().ContainSingle()
            .Which.Tags.Should().Equal(new Dictionary<string, object?> { ["pai.effort"] = "determined", ["pai.outcome"] = "exhausted" }, "no backend served it");
        attempts.GetMeasurementSnapshot().Select(m => (m.Tag("pai.backend"), m.Tag("pai.outcome"), m.Tag("error.type")))
            .Should().Equal(("a", "failure", "502"), ("b", "failure", "504"));
        failovers.GetMeasurementSnapshot().Should().ContainSingle("b failing had no backend left to fail over to")
            .Which.Tag("pai.backend").Should().Be("a");
    }

    [Fact]
    public async Task A_stream_records_its_time_to_first_token_by_effort_and_backend()
    {
        _server.Always(Primary, ScriptedReply.Status(500)).Always(Secondary, ScriptedReply.Text("streamed").WithChunks(2));
        using Observed observed = Observed.TwoBackends(_server);
        using MetricCollector<double> ttft = observed.Collect<double>("pai.time_to_first_token");

        (_, Exception? error) = await StreamAsync(observed.Router, new ChatOptions().WithEffort(EffortLevel.Standard));

        error.Should().BeNull();
        CollectedMeasurement<double> first = ttft.GetMeasurementSnapshot().Should().ContainSingle("only the backend that streamed content has a first token").Subject;
        first.Value.Should().BePositive().And.BeLessThan(30);
        first.Tags.Should().Equal(new Dictionary<string, object?> { ["pai.effort"] = "standard", ["pai.backend"] = "b" });
    }

    [Fact]
    public async Task A_response_without_streaming_records_no_time_to_first_token()
    {
        using Observed observed = Observed.TwoBackends(_server);
        using MetricCollector<double> ttft = observed.Collect<double>("pai.time_to_first_token");

        await observed.Router.GetResponseAsync(Hello());

        ttft.GetMeasurementSnapshot().Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Token_usage_is_counted_by_effort_backend_and_token_type(bool streaming)
    {
        _server.Always(Primary, ScriptedReply.Text("counted", promptTokens: 11, completionTokens: 23));
        using Observed observed = Observed.TwoBackends(_server);
        using MetricCollector<long> tokens = observed.Collect<long>("pai.tokens");

        Outcome outcome = await RunAsync(observed.Router, streaming, new ChatOptions().WithEffort(EffortLevel.Quick));

        outcome.Error.Should().BeNull();
        tokens.GetMeasurementSnapshot().Select(m => (m.Value, m.Tag("gen_ai.token.type"), m.Tag("pai.backend"), m.Tag("pai.effort")))
            .Should().BeEquivalentTo(new[] { (11L, "input", "a", "quick"), (23L, "output", "a", "quick") });
    }

    [Fact]
    public async Task The_cooling_count_rises_when_a_backend_starts_cooling_down_and_falls_when_it_is_back()
    {
        var time = new FakeTimeProvider();
        _server.Always(Primary, ScriptedReply.Status(503)).Always(Secondary, ScriptedReply.Text("from b"));
        using Observed observed = Observed.TwoBackends(_server, time);
        using MetricCollector<long> cooling = observed.Collect<long>("pai.backends.cooling");

        for (int i = 0; i < 3; i++)
        {
            await observed.Router.GetResponseAsync(Hello());
        }

        cooling.GetMeasurementSnapshot().Should().ContainSingle().Which.Should().Match<CollectedMeasurement<long>>(m => m.Value == 1 && (string?)m.Tag("pai.backend") == "a");

        _server.Always(Primary, ScriptedReply.Text("from a"));
        time.Advance(TimeSpan.FromSeconds(5));
        (await observed.Router.GetResponseAsync(Hello())).Text.Should().Be("from a");

        cooling.GetMeasurementSnapshot().Select(m => m.Value).Should().Equal(1, -1);
        cooling.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(0, "no backend cools down any more");
    }

    [Fact]
    public async Task Disposing_a_router_takes_back_the_cooldowns_it_still_counts()
    {
        _server.Always(Primary, ScriptedReply.Status(503));
        Observed observed = Observed.TwoBackends(_server);
        using MetricCollector<long> cooling = observed.Collect<long>("pai.backends.cooling");
        for (int i = 0; i < 3; i++)
        {
            await observed.Router.GetResponseAsync(Hello());
        }

        observed.Dispose();

        cooling.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(0, "the meter is shared through the factory and outlives the router");
    }
}
