using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Observability;

/// <summary>The router's log lines, read with a fake logger.</summary>
public sealed class LoggingTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_failover_is_a_warning_naming_the_backend_the_reason_the_status_and_the_next_backend()
    {
        _server.Always(Primary, ScriptedReply.Status(503)).Always(Secondary, ScriptedReply.Text("from b"));
        using Observed observed = Observed.TwoBackends(_server);

        await observed.Router.GetResponseAsync(Hello());

        FakeLogRecord failover = observed.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 1).Subject;
        failover.Level.Should().Be(LogLevel.Warning);
        failover.Category.Should().Be("Pai.SemanticKernel.Llm.Router");
        failover.GetStructuredStateValue("Backend").Should().Be("a");
        failover.GetStructuredStateValue("Reason").Should().Be("server_error");
        failover.GetStructuredStateValue("StatusCode").Should().Be("503");
        failover.GetStructuredStateValue("NextBackend").Should().Be("b");
        failover.Message.Should().Be("Backend a failed (server_error, HTTP status 503); failing over to backend b.");
    }

    [Fact]
    public async Task Exhaustion_is_an_error_listing_each_backend_reason_and_status()
    {
        _server.Always(Primary, ScriptedReply.Status(503)).Always(Secondary, ScriptedReply.Status(401));
        using Observed observed = Observed.TwoBackends(_server);

        Func<Task> act = () => observed.Router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Quick));

        await act.Should().ThrowAsync<AllBackendsFailedException>();
        IReadOnlyList<FakeLogRecord> records = observed.Logs.GetSnapshot();
        FakeLogRecord exhausted = records.Should().ContainSingle(r => r.Level == LogLevel.Error).Subject;
        exhausted.Id.Id.Should().Be(2);
        exhausted.GetStructuredStateValue("Effort").Should().Be("quick");
        exhausted.GetStructuredStateValue("Attempts").Should().Be("2");
        exhausted.Message.Should().Contain("a: server_error (503); b: unauthorized (401)");
        records.Where(r => r.Id.Id == 1).Should().ContainSingle("only the move from a to b was a failover");
    }

    [Fact]
    public async Task A_cooldown_opening_and_closing_are_information()
    {
        var time = new FakeTimeProvider();
        _server.Always(Primary, ScriptedReply.Status(503)).Always(Secondary, ScriptedReply.Text("from b"));
        using Observed observed = Observed.TwoBackends(_server, time);
        for (int i = 0; i < 3; i++)
        {
            await observed.Router.GetResponseAsync(Hello());
        }

        _server.Always(Primary, ScriptedReply.Text("from a"));
        time.Advance(TimeSpan.FromSeconds(5));
        await observed.Router.GetResponseAsync(Hello());

        IReadOnlyList<FakeLogRecord> cooldown = [.. observed.Logs.GetSnapshot().Where(r => r.Id.Id is 3 or 4)];
        cooldown.Select(r => (r.Id.Id, r.Level, r.GetStructuredStateValue("Backend"))).Should().Equal(
            (3, LogLevel.Information, "a"),
            (4, LogLevel.Information, "a"));
        cooldown[0].Message.Should().Be("Backend a is cooling down for 5 s after failures; requests skip it.");
    }

    [Fact]
    public async Task Logs_hold_no_message_content_and_no_api_key()
    {
        const string Question = "confidential question about project nightingale";
        _server.Always(Primary, ScriptedReply.Status(500, body: "{\"error\":{\"message\":\"echo: " + Question + " key " + Observed.ApiKey + "\"}}"))
            .Always(Secondary, ScriptedReply.Status(400, body: "{\"error\":{\"message\":\"bad: " + Question + "\"}}"));
        using Observed observed = Observed.TwoBackends(_server);

        Func<Task> act = () => observed.Router.GetResponseAsync([new ChatMessage(ChatRole.User, Question)]);

        await act.Should().ThrowAsync<BackendRequestException>();
        IReadOnlyList<FakeLogRecord> records = observed.Logs.GetSnapshot();
        records.Should().Contain(r => r.Id.Id == 1).And.Contain(r => r.Id.Id == 5, "the failover and the rejection were logged");
        string everything = string.Join("\n", records.Select(r =>
            r.Message + " " + string.Join(" ", r.StructuredState?.Select(kv => kv.Value) ?? []) + " " + r.Exception));
        everything.Should().NotContain("nightingale").And.NotContain(Observed.ApiKey);
    }
}
