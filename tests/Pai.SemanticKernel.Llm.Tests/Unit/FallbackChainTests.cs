using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Pai.SemanticKernel.Llm.Tests.Fakes;

namespace Pai.SemanticKernel.Llm.Tests.Unit;

public sealed class FallbackChainTests
{
    [Fact]
    public async Task Backends_are_tried_in_order_until_one_answers()
    {
        var first = FakeChatClient.Failing("first", new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)));
        var second = FakeChatClient.Failing("second", new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway));
        var third = new FakeChatClient("third");

        ChatResponse response = await Chains.Of(first, second, third).GetResponseAsync(Chains.Hello());

        response.Text.Should().Be("third says hi");
        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("third");
        (first.Calls, second.Calls, third.Calls).Should().Be((1, 1, 1));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task A_rejected_request_surfaces_at_once_without_failover(HttpStatusCode status)
    {
        var first = FakeChatClient.Failing("first", new HttpRequestException("bad request", null, status));
        var second = new FakeChatClient("second");

        Func<Task> call = () => Chains.Of(first, second).GetResponseAsync(Chains.Hello());

        BackendRequestException error = (await call.Should().ThrowAsync<BackendRequestException>()).Which;
        error.Backend.Should().Be("first");
        error.StatusCode.Should().Be((int)status);
        error.Message.Should().Contain("'first'").And.Contain($"HTTP {(int)status}");
        second.Calls.Should().Be(0);
    }

    [Fact]
    public async Task Caller_cancellation_surfaces_and_never_fails_over()
    {
        using var cts = new CancellationTokenSource();
        var first = new FakeChatClient("first")
        {
            Respond = async token =>
            {
                await cts.CancelAsync();
                token.ThrowIfCancellationRequested();
                return new ChatResponse();
            },
        };
        var second = new FakeChatClient("second");

        Func<Task> call = () => Chains.Of(first, second).GetResponseAsync(Chains.Hello(), cancellationToken: cts.Token);

        await call.Should().ThrowAsync<OperationCanceledException>();
        second.Calls.Should().Be(0);
    }

    [Fact]
    public async Task A_failure_caused_by_the_callers_cancellation_surfaces_as_cancellation_carrying_it()
    {
        using var cts = new CancellationTokenSource();
        var broken = new IOException("The connection was closed while the request was cancelled.");
        var first = new FakeChatClient("first")
        {
            Respond = async token =>
            {
                await cts.CancelAsync();
                throw broken;
            },
        };
        var second = new FakeChatClient("second");

        Func<Task> call = () => Chains.Of(first, second).GetResponseAsync(Chains.Hello(), cancellationToken: cts.Token);

        OperationCanceledException error = (await call.Should().ThrowAsync<OperationCanceledException>()).Which;
        error.InnerException.Should().BeSameAs(broken);
        error.CancellationToken.Should().Be(cts.Token);
        second.Calls.Should().Be(0);
    }

    [Fact]
    public async Task Exhaustion_lists_every_attempt_in_order()
    {
        var first = FakeChatClient.Failing("first", new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused)));
        var second = FakeChatClient.Failing("second", new HttpRequestException("Service Unavailable", null, HttpStatusCode.ServiceUnavailable));

        Func<Task> call = () => Chains.Of(first, second).GetResponseAsync(Chains.Hello());

        AllBackendsFailedException error = (await call.Should().ThrowAsync<AllBackendsFailedException>()).Which;
        error.Attempts.Select(a => a.Backend).Should().Equal("first", "second");
        error.Attempts.Select(a => a.StatusCode).Should().Equal(null, 503);
        error.Attempts.Select(a => a.Reason).Should().Equal("connection", "server_error");
        error.Attempts[0].Model.Should().Be("first-model");
        error.Message.Should().Contain("1. first").And.Contain("2. second").And.Contain("HTTP 503").And.Contain("What to do");
    }

    [Fact]
    public async Task A_stream_that_fails_after_a_role_only_chunk_still_fails_over()
    {
        var first = new FakeChatClient("first") { Stream = ct => FakeChatClient.Updates(ct, FakeChatClient.Role(), new IOException("connection reset")) };
        var second = new FakeChatClient("second");

        (List<ChatResponseUpdate> updates, Exception? error) = await Chains.CollectAsync(Chains.Of(first, second).GetStreamingResponseAsync(Chains.Hello()));

        error.Should().BeNull();
        string.Concat(updates.Select(u => u.Text)).Should().Be("second says hi");
        updates.Count(u => u.Role == ChatRole.Assistant && u.Text.Length == 0 && u.FinishReason is null).Should().Be(1, "only the serving backend's role chunk reaches the caller");
        updates[0].AdditionalProperties![PaiPropertyNames.Backend].Should().Be("second");
    }

    [Fact]
    public async Task A_stream_that_fails_after_content_surfaces_naming_the_backend_and_does_not_repeat_text()
    {
        var first = new FakeChatClient("first") { Stream = ct => FakeChatClient.Updates(ct, FakeChatClient.Role(), FakeChatClient.Text("Once upon"), new IOException("connection reset")) };
        var second = new FakeChatClient("second");

        (List<ChatResponseUpdate> updates, Exception? error) = await Chains.CollectAsync(Chains.Of(first, second).GetStreamingResponseAsync(Chains.Hello()));

        error.Should().BeOfType<StreamInterruptedException>().Which.Backend.Should().Be("first");
        error!.Message.Should().Contain("'first'").And.Contain("incomplete");
        string.Concat(updates.Select(u => u.Text)).Should().Be("Once upon");
        second.Calls.Should().Be(0);
    }

    [Fact]
    public async Task A_stream_without_content_or_finish_reason_is_a_failure_that_fails_over()
    {
        var first = new FakeChatClient("first") { Stream = ct => FakeChatClient.Updates(ct, FakeChatClient.Role(), new ChatResponseUpdate()) };
        var second = new FakeChatClient("second");

        (List<ChatResponseUpdate> updates, Exception? error) = await Chains.CollectAsync(Chains.Of(first, second).GetStreamingResponseAsync(Chains.Hello()));

        error.Should().BeNull();
        string.Concat(updates.Select(u => u.Text)).Should().Be("second says hi");
    }

    [Fact]
    public async Task A_stream_with_content_but_no_finish_reason_is_not_presented_as_complete()
    {
        var first = new FakeChatClient("first") { Stream = ct => FakeChatClient.Updates(ct, FakeChatClient.Role(), FakeChatClient.Text("half an answer")) };
        var second = new FakeChatClient("second");

        (_, Exception? error) = await Chains.CollectAsync(Chains.Of(first, second).GetStreamingResponseAsync(Chains.Hello()));

        error.Should().BeOfType<StreamInterruptedException>().Which.InnerException.Should().BeOfType<IncompleteStreamException>();
        second.Calls.Should().Be(0);
    }

    [Fact]
    public async Task A_streamed_tool_call_counts_as_content()
    {
        var call = new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new FunctionCallContent("c1", "clock")] };
        var first = new FakeChatClient("first") { Stream = ct => FakeChatClient.Updates(ct, call, new IOException("reset")) };
        var second = new FakeChatClient("second");

        (List<ChatResponseUpdate> updates, Exception? error) = await Chains.CollectAsync(Chains.Of(first, second).GetStreamingResponseAsync(Chains.Hello()));

        error.Should().BeOfType<StreamInterruptedException>();
        updates.Should().ContainSingle().Which.Contents.Should().ContainSingle(c => c is FunctionCallContent);
        second.Calls.Should().Be(0);
    }

    [Fact]
    public async Task An_empty_but_finished_stream_is_a_complete_answer()
    {
        var first = new FakeChatClient("first") { Stream = ct => FakeChatClient.Updates(ct, FakeChatClient.Role(), FakeChatClient.Finish()) };
        var second = new FakeChatClient("second");

        (List<ChatResponseUpdate> updates, Exception? error) = await Chains.CollectAsync(Chains.Of(first, second).GetStreamingResponseAsync(Chains.Hello()));

        error.Should().BeNull();
        updates.Should().HaveCount(2);
        updates[0].AdditionalProperties![PaiPropertyNames.Backend].Should().Be("first");
        second.Calls.Should().Be(0);
    }

    [Fact]
    public async Task The_effort_key_never_reaches_a_backend_and_other_options_pass_untouched()
    {
        var tool = AIFunctionFactory.Create(() => "12:00", "clock");
        var first = new FakeChatClient("first");
        var options = new ChatOptions
        {
            Tools = [tool],
            ToolMode = ChatToolMode.RequireAny,
            ResponseFormat = ChatResponseFormat.Json,
            AdditionalProperties = new() { [PaiPropertyNames.Effort] = "quick", ["custom"] = "kept" },
        };

        await Chains.Of(first).GetResponseAsync(Chains.Hello(), options);

        ChatOptions received = first.ReceivedOptions.Single()!;
        received.AdditionalProperties.Should().ContainKey("custom").And.NotContainKey(PaiPropertyNames.Effort);
        received.Tools.Should().ContainSingle().Which.Should().BeSameAs(tool);
        received.ToolMode.Should().Be(ChatToolMode.RequireAny);
        received.ResponseFormat.Should().Be(ChatResponseFormat.Json);
        options.AdditionalProperties.Should().ContainKey(PaiPropertyNames.Effort, "the caller's options are not modified");
    }

    [Fact]
    public async Task A_backend_that_sends_nothing_within_its_first_token_budget_fails_over()
    {
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource();
        var first = new FakeChatClient("first")
        {
            Respond = async token =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, token);
                return new ChatResponse();
            },
        };
        var second = new FakeChatClient("second");
        FallbackChatClient chain = Chains.Of(Chains.WithClock(time, firstToken: TimeSpan.FromSeconds(5)), first, second);

        Task<ChatResponse> pending = chain.GetResponseAsync(Chains.Hello());
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(6));
        ChatResponse response = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("second");
    }

    [Fact]
    public async Task A_timed_out_attempt_is_recorded_as_a_timeout_naming_the_budget()
    {
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource();
        var only = new FakeChatClient("only")
        {
            Stream = ct => FakeChatClient.Updates(ct, FakeChatClient.Role(), (Func<CancellationToken, Task>)(async t => { started.SetResult(); await Task.Delay(Timeout.Infinite, t); })),
        };
        FallbackChatClient chain = Chains.Of(Chains.WithClock(time, firstToken: TimeSpan.FromSeconds(5)), only);

        Task<(List<ChatResponseUpdate>, Exception?)> pending = Chains.CollectAsync(chain.GetStreamingResponseAsync(Chains.Hello()));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(6));
        (List<ChatResponseUpdate> updates, Exception? error) = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        updates.Should().BeEmpty("the held-back role chunk never reached the caller");
        AllBackendsFailedException failure = error.Should().BeOfType<AllBackendsFailedException>().Which;
        failure.Attempts.Single().Reason.Should().Be("timeout");
        failure.Attempts.Single().Error.Message.Should().Contain("FirstTokenTimeout");
    }

    [Fact]
    public async Task A_stream_that_stalls_after_content_surfaces_as_interrupted()
    {
        var time = new FakeTimeProvider();
        var stalled = new TaskCompletionSource();
        var first = new FakeChatClient("first")
        {
            Stream = ct => FakeChatClient.Updates(ct, FakeChatClient.Text("Once"), (Func<CancellationToken, Task>)(async t => { stalled.SetResult(); await Task.Delay(Timeout.Infinite, t); })),
        };
        FallbackChatClient chain = Chains.Of(Chains.WithClock(time, stall: TimeSpan.FromSeconds(4)), first, new FakeChatClient("second"));

        Task<(List<ChatResponseUpdate>, Exception?)> pending = Chains.CollectAsync(chain.GetStreamingResponseAsync(Chains.Hello()));
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
        }

        (List<ChatResponseUpdate> updates, Exception? error) = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        updates.Select(u => u.Text).Should().Equal("Once");
        error.Should().BeOfType<StreamInterruptedException>().Which.Message.Should().Contain("StallTimeout");
    }

    [Fact]
    public async Task The_response_names_the_served_model_and_the_effort_in_the_request()
    {
        var first = new FakeChatClient("first");

        ChatResponse response = await Chains.Of(first).GetResponseAsync(Chains.Hello(), new ChatOptions().WithEffort(EffortLevel.Determined));

        response.ModelId.Should().Be("first-model");
        response.AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(EffortLevel.Determined);
    }
}
