using System.Diagnostics;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Observability;

/// <summary>Spans of routed requests, read through OpenTelemetry's in-memory exporter.</summary>
public sealed class TracingTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_served_request_is_a_route_span_with_one_successful_attempt_span_under_it()
    {
        _server.Always(Primary, ScriptedReply.Text("from a"));
        using Observed observed = Observed.TwoBackends(_server);
        using var trace = new TraceCapture();

        await observed.Router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Quick));

        Activity route = trace.Named("pai.route").Should().ContainSingle().Subject;
        Activity attempt = trace.Named("pai.attempt").Should().ContainSingle().Subject;
        route.DisplayName.Should().Be("pai.route quick");
        route.Kind.Should().Be(ActivityKind.Internal);
        route.ParentSpanId.Should().Be(trace.Root.SpanId);
        route.Status.Should().Be(ActivityStatusCode.Unset);
        route.Tag("pai.effort").Should().Be("quick");
        route.Tag("pai.backend").Should().Be("a");
        route.Tag("pai.outcome").Should().Be("success");
        route.Tag("pai.attempts").Should().Be(1);
        route.Tag("pai.streaming").Should().Be(false);

        attempt.DisplayName.Should().Be("pai.attempt a");
        attempt.Kind.Should().Be(ActivityKind.Internal);
        attempt.ParentSpanId.Should().Be(route.SpanId);
        attempt.Tag("pai.backend").Should().Be("a");
        attempt.Tag("pai.attempt").Should().Be(1);
        attempt.Tag("pai.effort").Should().Be("quick");
        attempt.Tag("pai.outcome").Should().Be("success");
        attempt.Tag("gen_ai.provider.name").Should().Be("openai", "the backend speaks the OpenAI API, as its client reports to Microsoft.Extensions.AI");
        attempt.Tag("gen_ai.request.model").Should().Be(Primary);
        attempt.Tag("gen_ai.response.model").Should().Be(Primary);
        attempt.Tag("server.address").Should().Be("127.0.0.1");
        attempt.Tag("server.port").Should().Be(_server.Port);
    }

    [Fact]
    public async Task A_failover_is_a_failed_attempt_span_followed_by_a_successful_one()
    {
        _server.Always(Primary, ScriptedReply.Status(503)).Always(Secondary, ScriptedReply.Text("from b"));
        using Observed observed = Observed.TwoBackends(_server);
        using var trace = new TraceCapture();

        await observed.Router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Standard));

        Activity route = trace.Named("pai.route").Should().ContainSingle().Subject;
        IReadOnlyList<Activity> attempts = trace.Named("pai.attempt");
        attempts.Select(a => a.DisplayName).Should().Equal("pai.attempt a", "pai.attempt b");
        attempts.Should().OnlyContain(a => a.ParentSpanId == route.SpanId);

        Activity failed = attempts[0];
        failed.Status.Should().Be(ActivityStatusCode.Error);
        failed.StatusDescription.Should().Be("server_error");
        failed.Tag("pai.outcome").Should().Be("failure");
        failed.Tag("pai.failure.reason").Should().Be("server_error");
        failed.Tag("error.type").Should().Be("503");
        failed.Tag("http.response.status_code").Should().Be(503);
        failed.Tag("pai.attempt").Should().Be(1);

        Activity served = attempts[1];
        served.Status.Should().Be(ActivityStatusCode.Unset);
        served.Tag("pai.outcome").Should().Be("success");
        served.Tag("pai.attempt").Should().Be(2);
        served.StartTimeUtc.Should().BeOnOrAfter(failed.StartTimeUtc + failed.Duration);

        route.Status.Should().Be(ActivityStatusCode.Unset, "the request was served");
        route.Tag("pai.backend").Should().Be("b");
        route.Tag("pai.attempts").Should().Be(2);
    }

    [Fact]
    public async Task An_exhausted_chain_ends_the_route_span_in_error_after_every_attempt_failed()
    {
        _server.Always(Primary, ScriptedReply.Status(500)).Always(Secondary, ScriptedReply.Status(429));
        using Observed observed = Observed.TwoBackends(_server);
        using var trace = new TraceCapture();

        Func<Task> act = () => observed.Router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Determined));

        await act.Should().ThrowAsync<AllBackendsFailedException>();
        Activity route = trace.Named("pai.route").Should().ContainSingle().Subject;
        route.Status.Should().Be(ActivityStatusCode.Error);
        route.Tag("pai.outcome").Should().Be("exhausted");
        route.Tag("error.type").Should().Be("all_backends_failed");
        route.Tag("pai.backend").Should().BeNull();
        route.Tag("pai.attempts").Should().Be(2);
        trace.Named("pai.attempt").Select(a => (a.DisplayName, a.Status, a.Tag("error.type")))
            .Should().Equal(("pai.attempt a", ActivityStatusCode.Error, "500"), ("pai.attempt b", ActivityStatusCode.Error, "429"));
    }

    [Fact]
    public async Task A_streamed_attempt_records_its_time_to_first_token()
    {
        _server.Always(Primary, ScriptedReply.Text("streamed from a").WithChunks(3));
        using Observed observed = Observed.TwoBackends(_server);
        using var trace = new TraceCapture();

        (List<ChatResponseUpdate> updates, Exception? error) = await StreamAsync(observed.Router);

        error.Should().BeNull();
        string.Concat(updates.Select(u => u.Text)).Should().Be("streamed from a");
        Activity route = trace.Named("pai.route").Should().ContainSingle().Subject;
        route.Tag("pai.streaming").Should().Be(true);
        route.Tag("pai.outcome").Should().Be("success");
        Activity attempt = trace.Named("pai.attempt").Should().ContainSingle().Subject;
        attempt.ParentSpanId.Should().Be(route.SpanId);
        attempt.Tag("pai.time_to_first_token").Should().BeOfType<double>().Which.Should().BePositive().And.BeLessThanOrEqualTo(attempt.Duration.TotalSeconds);
    }

    [Fact]
    public async Task Spans_carry_no_api_key_no_message_content_and_no_token_counts()
    {
        _server.Always(Primary, ScriptedReply.Status(401)).Always(Secondary, ScriptedReply.Text("the answer"));
        using Observed observed = Observed.TwoBackends(_server);
        using var trace = new TraceCapture();

        await observed.Router.GetResponseAsync([new ChatMessage(ChatRole.User, "my private question")]);

        IReadOnlyList<Activity> spans = trace.Spans;
        spans.Should().HaveCount(3);
        string everything = string.Join("\n", spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(s.DisplayName).Append(s.StatusDescription ?? "")));
        everything.Should().NotContain(Observed.ApiKey).And.NotContain("private question").And.NotContain("the answer");
        spans.Should().NotContain(s => s.HasTag("gen_ai.operation.name") || s.HasTag("gen_ai.usage.input_tokens") || s.HasTag("gen_ai.usage.output_tokens"),
            "the chat call's meaning and its token counts belong to Microsoft.Extensions.AI's span, not to routing spans");
    }
}
