using Microsoft.AspNetCore.Http;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.Anthropic.AnthropicHarness;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Anthropic;

/// <summary>
/// The failover rules with an Anthropic backend in the chain, over real HTTP with the real Anthropic SDK: Anthropic's
/// statuses, its overloaded 529 and its stream <c>error</c> events map onto the same classes as every other backend's.
/// </summary>
public sealed class AnthropicFailoverTests : IAsyncLifetime
{
    private const string Local = "local-model";

    private ScriptedAnthropicServer _anthropic = null!;
    private ScriptedOpenAIServer _local = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await ScriptedAnthropicServer.StartAsync();
        _local = await ScriptedOpenAIServer.StartAsync();
        _anthropic.Always(Claude, ScriptedReply.Text("answer from claude"));
        _local.Always(Local, ScriptedReply.Text("answer from local"));
    }

    public async Task DisposeAsync()
    {
        await _anthropic.DisposeAsync();
        await _local.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dead_openai_compatible_backend_fails_over_to_the_anthropic_fallback(bool streaming)
    {
        PaiLlmOptions options = Options(("local", RouterHarness.Backend(ScriptedOpenAIServer.RefusedEndpoint(), Local)));
        options.Backends["anthropic"] = Backend(_anthropic.BaseUri);
        options.Fallback.Add("anthropic");
        using var router = new ModelRouter(options);

        Outcome outcome = await RunAsync(router, streaming);

        outcome.Error.Should().BeNull();
        outcome.Text.Should().Be("answer from claude");
        outcome.Backend.Should().Be("anthropic");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_overloaded_anthropic_fails_over_to_the_next_backend(bool streaming)
    {
        _anthropic.Always(Claude, ScriptedReply.Status(529));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming);

        outcome.Error.Should().BeNull();
        outcome.Text.Should().Be("answer from local");
        outcome.Backend.Should().Be("local");
        _anthropic.CountRequests(Claude).Should().Be(1, "the SDK's own retries are off");
    }

    public static TheoryData<int, bool> FailoverStatuses()
    {
        var data = new TheoryData<int, bool>();
        foreach (int status in new[] { 401, 403, 404, 408, 429, 500, 502, 503, 504, 529 })
        {
            data.Add(status, false);
            data.Add(status, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FailoverStatuses))]
    public async Task These_anthropic_statuses_fail_over_and_are_reported_with_their_status(int status, bool streaming)
    {
        _anthropic.Always(Claude, ScriptedReply.Status(status));
        _local.Always(Local, ScriptedReply.Status(503));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming);

        AllBackendsFailedException error = outcome.Error.Should().BeOfType<AllBackendsFailedException>().Which;
        error.Attempts.Select(a => (a.Backend, a.StatusCode)).Should().Equal(("anthropic", status), ("local", 503));
        _anthropic.CountRequests(Claude).Should().Be(1);
    }

    [Theory]
    [InlineData(400, false)]
    [InlineData(400, true)]
    [InlineData(413, false)]
    [InlineData(422, true)]
    public async Task A_request_anthropic_rejects_as_bad_surfaces_at_once(int status, bool streaming)
    {
        _anthropic.Always(Claude, ScriptedReply.Status(status));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming);

        BackendRequestException error = outcome.Error.Should().BeOfType<BackendRequestException>().Which;
        error.Backend.Should().Be("anthropic");
        error.StatusCode.Should().Be(status);
        _local.CountRequests().Should().Be(0);
    }

    [Fact]
    public async Task An_overloaded_error_event_before_any_output_fails_over_without_repeating()
    {
        // message_start and content_block_start, then the error: nothing the caller could see.
        _anthropic.Always(Claude, ScriptedReply.Text("answer from claude").ErrorEventAfterChunks(2, "Overloaded"));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming: true);

        outcome.Error.Should().BeNull();
        outcome.Text.Should().Be("answer from local");
        outcome.Backend.Should().Be("local");
    }

    [Fact]
    public async Task An_overloaded_error_event_counts_as_anthropics_529_server_error()
    {
        _anthropic.Always(Claude, ScriptedReply.Text("answer from claude").ErrorEventAfterChunks(2, "Overloaded"));
        _local.Always(Local, ScriptedReply.Status(503));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming: true);

        BackendAttempt attempt = outcome.Error.Should().BeOfType<AllBackendsFailedException>().Which.Attempts[0];
        attempt.Backend.Should().Be("anthropic");
        attempt.StatusCode.Should().Be(529);
        attempt.Reason.Should().Be("server_error");
        attempt.Error.Message.Should().Contain("overloaded_error");
    }

    [Theory]
    [InlineData("""{"type":"error","error":{"type":"some_future_error","message":"?"}}""")]
    [InlineData("not json at all")]
    public async Task An_error_event_of_an_unknown_shape_before_output_still_fails_over(string data)
    {
        _anthropic.Always(Claude, ScriptedReply.Custom(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($"event: error\ndata: {data}\n\n");
        }));
        _local.Always(Local, ScriptedReply.Status(503));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming: true);

        AllBackendsFailedException error = outcome.Error.Should().BeOfType<AllBackendsFailedException>().Which;
        error.Attempts.Select(a => (a.Backend, a.StatusCode)).Should().Equal(("anthropic", (int?)null), ("local", 503));
    }

    [Theory]
    [InlineData("error-event")]
    [InlineData("cut")]
    [InlineData("abort")]
    public async Task A_stream_that_fails_after_output_surfaces_as_interrupted_and_is_not_continued_elsewhere(string fault)
    {
        // message_start, content_block_start, "one ", "two ", then the fault.
        _anthropic.Always(Claude, Fault(ScriptedReply.Text("one two three four five six").WithChunks(6), fault, events: 4));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming: true);

        StreamInterruptedException error = outcome.Error.Should().BeOfType<StreamInterruptedException>().Which;
        error.Backend.Should().Be("anthropic");
        error.Model.Should().Be(Claude);
        error.Message.Should().Contain("retry the request");
        outcome.Text.Should().Be("one two ", "the caller keeps what it got, and nothing from another backend is appended");
        _local.CountRequests().Should().Be(0);
    }

    [Fact]
    public async Task An_error_event_after_output_reports_the_overloaded_status()
    {
        _anthropic.Always(Claude, ScriptedReply.Text("one two three four").WithChunks(4).ErrorEventAfterChunks(3, "Overloaded"));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming: true);

        StreamInterruptedException error = outcome.Error.Should().BeOfType<StreamInterruptedException>().Which;
        error.StatusCode.Should().Be(529);
        error.Message.Should().Contain("server_error");
        outcome.Text.Should().Be("one ");
    }

    [Theory]
    [InlineData("cut")]
    [InlineData("abort")]
    public async Task A_stream_that_breaks_before_output_fails_over(string fault)
    {
        _anthropic.Always(Claude, Fault(ScriptedReply.Text("answer from claude"), fault, events: 2));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming: true);

        outcome.Error.Should().BeNull();
        outcome.Text.Should().Be("answer from local");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refused_anthropic_endpoint_is_a_connection_failure(bool streaming)
    {
        _local.Always(Local, ScriptedReply.Status(503));
        using ModelRouter router = Router(("anthropic", Backend(ScriptedAnthropicServer.RefusedEndpoint())), ("local", LocalBackend()));

        Outcome outcome = await RunAsync(router, streaming);

        BackendAttempt attempt = outcome.Error.Should().BeOfType<AllBackendsFailedException>().Which.Attempts[0];
        attempt.Reason.Should().Be("connection");
        attempt.StatusCode.Should().BeNull();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unreadable_anthropic_body_is_an_invalid_response_and_fails_over(bool streaming)
    {
        _anthropic.Always(Claude, ScriptedReply.MalformedJson());
        _local.Always(Local, ScriptedReply.Status(503));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming);

        AllBackendsFailedException error = outcome.Error.Should().BeOfType<AllBackendsFailedException>().Which;
        error.Attempts.Select(a => (a.Backend, a.Reason)).Should().Equal(("anthropic", "invalid_response"), ("local", "server_error"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_short_retry_after_on_429_is_waited_out_once_on_the_same_backend(bool streaming)
    {
        _anthropic.Enqueue(Claude, ScriptedReply.Status(429).WithRetryAfter(TimeSpan.FromSeconds(1)));
        using ModelRouter router = AnthropicThenLocal();

        Outcome outcome = await RunAsync(router, streaming).WaitAsync(TimeSpan.FromSeconds(30));

        outcome.Error.Should().BeNull();
        outcome.Backend.Should().Be("anthropic");
        outcome.Text.Should().Be("answer from claude");
        _anthropic.CountRequests(Claude).Should().Be(2);
        _local.CountRequests().Should().Be(0);
    }

    [Fact]
    public async Task A_long_retry_after_on_429_fails_over_and_cools_anthropic_down_for_that_long()
    {
        _anthropic.Always(Claude, ScriptedReply.Status(429).WithRetryAfter(TimeSpan.FromMinutes(2)));
        using ModelRouter router = AnthropicThenLocal();

        Outcome first = await RunAsync(router, streaming: false);
        Outcome second = await RunAsync(router, streaming: false);

        first.Backend.Should().Be("local");
        second.Backend.Should().Be("local");
        _anthropic.CountRequests(Claude).Should().Be(1, "its Retry-After opened a cooldown that the second request respects");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_anthropic_backend_that_never_answers_fails_over_after_its_first_token_budget(bool streaming)
    {
        _anthropic.Always(Claude, ScriptedReply.Hang());
        using ModelRouter router = Router(("anthropic", Backend(_anthropic.BaseUri, configure: b => b.FirstTokenTimeout = TimeSpan.FromSeconds(1))), ("local", LocalBackend()));

        Outcome outcome = await RunAsync(router, streaming).WaitAsync(TimeSpan.FromSeconds(30));

        outcome.Error.Should().BeNull();
        outcome.Backend.Should().Be("local");
    }

    [Fact]
    public async Task An_anthropic_stream_that_stalls_after_output_surfaces_as_interrupted()
    {
        _anthropic.Always(Claude, ScriptedReply.Text("one two three four").WithChunks(4).StallAfterChunks(3));
        using ModelRouter router = Router(("anthropic", Backend(_anthropic.BaseUri, configure: b => b.StallTimeout = TimeSpan.FromSeconds(1))), ("local", LocalBackend()));

        Outcome outcome = await RunAsync(router, streaming: true).WaitAsync(TimeSpan.FromSeconds(30));

        outcome.Error.Should().BeOfType<StreamInterruptedException>().Which.Message.Should().Contain("StallTimeout");
        outcome.Text.Should().Be("one ");
    }

    private ModelRouter AnthropicThenLocal() => Router(("anthropic", Backend(_anthropic.BaseUri)), ("local", LocalBackend()));

    private BackendOptions LocalBackend() => RouterHarness.Backend(_local.V1Endpoint, Local);

    private static ScriptedReply Fault(ScriptedReply reply, string fault, int events) => fault switch
    {
        "abort" => reply.AbortAfterChunks(events),
        "error-event" => reply.ErrorEventAfterChunks(events, "Overloaded"),
        "cut" => reply.CutAfterChunks(events),
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };
}
