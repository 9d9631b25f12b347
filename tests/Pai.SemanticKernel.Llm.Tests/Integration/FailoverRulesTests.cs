using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration;

/// <summary>Each failover rule of the core issue, over real HTTP with the real OpenAI SDK client.</summary>
public sealed class FailoverRulesTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        _server.Always(Secondary, ScriptedReply.Text("answer from b"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<int, bool> FailoverStatuses()
    {
        var data = new TheoryData<int, bool>();
        foreach (int status in new[] { 401, 403, 404, 408, 429, 500, 502, 503, 504 })
        {
            data.Add(status, false);
            data.Add(status, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FailoverStatuses))]
    public async Task These_statuses_fail_over_to_the_next_backend(int status, bool streaming)
    {
        _server.Always(Primary, ScriptedReply.Status(status));
        using ModelRouter router = TwoBackends(_server);

        Outcome outcome = await RunAsync(router, streaming);

        outcome.Error.Should().BeNull();
        outcome.Text.Should().Be("answer from b");
        outcome.Backend.Should().Be("b");
        _server.CountRequests(Primary).Should().Be(1, "the SDK's own retries are off");
    }

    [Theory]
    [InlineData(400, false)]
    [InlineData(400, true)]
    [InlineData(413, false)]
    [InlineData(422, true)]
    public async Task A_request_the_backend_rejects_as_bad_surfaces_at_once(int status, bool streaming)
    {
        _server.Always(Primary, ScriptedReply.Status(status));
        using ModelRouter router = TwoBackends(_server);

        Outcome outcome = await RunAsync(router, streaming);

        BackendRequestException error = outcome.Error.Should().BeOfType<BackendRequestException>().Which;
        error.Backend.Should().Be("a");
        error.StatusCode.Should().Be(status);
        _server.CountRequests(Secondary).Should().Be(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refused_connection_fails_over(bool streaming)
    {
        using ModelRouter router = TwoBackends(_server, primaryEndpoint: ScriptedOpenAIServer.RefusedEndpoint());

        Outcome outcome = await RunAsync(router, streaming);

        outcome.Backend.Should().Be("b");
        outcome.Text.Should().Be("answer from b");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_name_that_does_not_resolve_fails_over(bool streaming)
    {
        using ModelRouter router = TwoBackends(_server, primaryEndpoint: new Uri("http://pai-no-such-host.invalid:8000/v1"));

        Outcome outcome = await RunAsync(router, streaming);

        outcome.Backend.Should().Be("b");
    }

    public static TheoryData<string, bool> UnreadableBodies() => new()
    {
        { "malformed", false }, { "malformed", true }, { "empty", false }, { "empty", true },
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task An_unreadable_body_fails_over(string body, bool streaming)
    {
        _server.Always(Primary, body == "empty" ? ScriptedReply.EmptyBody() : ScriptedReply.MalformedJson());
        using ModelRouter router = TwoBackends(_server);

        Outcome outcome = await RunAsync(router, streaming);

        outcome.Error.Should().BeNull();
        outcome.Backend.Should().Be("b");
    }

    [Theory]
    [InlineData("abort")]
    [InlineData("error-event")]
    [InlineData("cut")]
    public async Task A_stream_that_fails_before_any_content_fails_over_without_repeating(string fault)
    {
        _server.Always(Primary, Fault(ScriptedReply.Text("answer from a"), fault, chunks: 1));
        using ModelRouter router = TwoBackends(_server);

        Outcome outcome = await RunAsync(router, streaming: true);

        outcome.Error.Should().BeNull();
        outcome.Text.Should().Be("answer from b");
        outcome.Updates.Count(u => u.Role is not null && u.Text.Length == 0 && u.FinishReason is null && u.Contents.Count <= 1).Should().BeLessThanOrEqualTo(1);
    }

    [Theory]
    [InlineData("abort")]
    [InlineData("error-event")]
    [InlineData("cut")]
    public async Task A_stream_that_fails_after_content_surfaces_and_is_not_continued_elsewhere(string fault)
    {
        _server.Always(Primary, Fault(ScriptedReply.Text("one two three four five six").WithChunks(6), fault, chunks: 3));
        using ModelRouter router = TwoBackends(_server);

        Outcome outcome = await RunAsync(router, streaming: true);

        StreamInterruptedException error = outcome.Error.Should().BeOfType<StreamInterruptedException>().Which;
        error.Backend.Should().Be("a");
        error.Message.Should().Contain("retry the request");
        outcome.Text.Should().Be("one two ", "the caller keeps what it got, and nothing from another backend is appended");
        _server.CountRequests(Secondary).Should().Be(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_backend_that_never_answers_fails_over_after_its_first_token_budget(bool streaming)
    {
        _server.Always(Primary, ScriptedReply.Hang());
        using ModelRouter router = TwoBackends(_server, b => b.FirstTokenTimeout = TimeSpan.FromSeconds(1));

        Outcome outcome = await RunAsync(router, streaming).WaitAsync(TimeSpan.FromSeconds(30));

        outcome.Error.Should().BeNull();
        outcome.Backend.Should().Be("b");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Budgets_longer_than_a_timer_can_wait_mean_no_limit(bool streaming)
    {
        // .NET timers refuse delays over about 49.7 days; the configuration accepts any positive budget.
        _server.Always(Primary, ScriptedReply.Text("answer from a").WithChunks(3));
        using ModelRouter router = TwoBackends(_server, b =>
        {
            b.FirstTokenTimeout = TimeSpan.FromDays(100);
            b.StallTimeout = TimeSpan.FromDays(200);
        });

        Outcome outcome = await RunAsync(router, streaming).WaitAsync(TimeSpan.FromSeconds(30));

        outcome.Error.Should().BeNull();
        outcome.Text.Should().Be("answer from a");
    }

    [Fact]
    public async Task A_stream_that_stalls_after_content_surfaces_as_interrupted()
    {
        _server.Always(Primary, ScriptedReply.Text("one two three four").WithChunks(4).StallAfterChunks(2));
        using ModelRouter router = TwoBackends(_server, b => b.StallTimeout = TimeSpan.FromSeconds(1));

        Outcome outcome = await RunAsync(router, streaming: true).WaitAsync(TimeSpan.FromSeconds(30));

        outcome.Error.Should().BeOfType<StreamInterruptedException>().Which.Message.Should().Contain("StallTimeout");
        outcome.Text.Should().Be("one ");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_every_backend_fails_the_exception_lists_each_attempt(bool streaming)
    {
        _server.Always(Primary, ScriptedReply.Status(503));
        _server.Always(Secondary, ScriptedReply.Status(502));
        using ModelRouter router = TwoBackends(_server);

        Outcome outcome = await RunAsync(router, streaming);

        AllBackendsFailedException error = outcome.Error.Should().BeOfType<AllBackendsFailedException>().Which;
        error.Attempts.Select(a => (a.Backend, a.Model, a.StatusCode)).Should().Equal(("a", Primary, 503), ("b", Secondary, 502));
        error.Attempts.Should().OnlyContain(a => a.Error != null && a.Duration > TimeSpan.Zero);
        error.Message.Should().Contain("1. a (model-a): HTTP 503").And.Contain("2. b (model-b): HTTP 502");
        error.Effort.Should().Be(EffortLevel.Standard);
    }

    [Theory]
    [InlineData(301, false)]
    [InlineData(307, false)]
    [InlineData(307, true)]
    [InlineData(308, true)]
    public async Task A_redirect_is_not_followed_and_fails_over(int status, bool streaming)
    {
        _server.Always(Primary, ScriptedReply.Status(status).WithHeader("Location", _server.V1Endpoint + "/elsewhere/chat/completions"));
        using ModelRouter router = TwoBackends(_server);

        Outcome outcome = await RunAsync(router, streaming);

        outcome.Error.Should().BeNull();
        outcome.Backend.Should().Be("b");
        _server.CountRequests(Primary).Should().Be(1);
        _server.Requests.Should().NotContain(request => request.Path.Contains("elsewhere"), "the redirect is not followed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_redirect_failure_says_where_the_endpoint_points_without_its_credentials(bool streaming)
    {
        string target = "https://user:hunter22@llm.example.com/v1/chat/completions?api-key=hunter22";
        _server.Always(Primary, ScriptedReply.Status(308).WithHeader("Location", target));
        _server.Always(Secondary, ScriptedReply.Status(302));
        using ModelRouter router = TwoBackends(_server);

        Outcome outcome = await RunAsync(router, streaming);

        AllBackendsFailedException error = outcome.Error.Should().BeOfType<AllBackendsFailedException>().Which;
        error.Message.Should()
            .Contain("1. a (model-a): HTTP 308 (http_status): the endpoint redirects to https://***@llm.example.com/v1/chat/completions?***, and redirects are not followed")
            .And.Contain("2. b (model-b): HTTP 302 (http_status): the endpoint answered with a redirect, and redirects are not followed")
            .And.NotContain("hunter22");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Caller_cancellation_surfaces_and_never_fails_over(bool streaming)
    {
        _server.Always(Primary, ScriptedReply.Hang());
        using ModelRouter router = TwoBackends(_server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Outcome outcome = await RunAsync(router, streaming, cancellationToken: cts.Token).WaitAsync(TimeSpan.FromSeconds(30));

        outcome.Error.Should().BeAssignableTo<OperationCanceledException>();
        _server.CountRequests(Secondary).Should().Be(0);
    }

    private static ScriptedReply Fault(ScriptedReply reply, string fault, int chunks) => fault switch
    {
        "abort" => reply.AbortAfterChunks(chunks),
        "error-event" => reply.ErrorEventAfterChunks(chunks),
        "cut" => reply.CutAfterChunks(chunks),
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };
}
