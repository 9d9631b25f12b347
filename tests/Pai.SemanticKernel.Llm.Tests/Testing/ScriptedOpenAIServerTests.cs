using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Testing;

/// <summary>Proves <see cref="ScriptedOpenAIServer"/> against the real OpenAI SDK client.</summary>
public sealed class ScriptedOpenAIServerTests : IAsyncLifetime
{
    private const string ModelA = "model-a";
    private const string ModelB = "model-b";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(5);

    private ScriptedOpenAIServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Text_NonStreaming_ReturnsTextFinishReasonAndUsage()
    {
        server.Enqueue(null, ScriptedReply.Text("hello there world", promptTokens: 11, completionTokens: 3));

        var response = await CreateClient().GetResponseAsync("hi");

        response.Text.Should().Be("hello there world");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.ModelId.Should().Be(ModelA);
        response.Usage!.InputTokenCount.Should().Be(11);
        response.Usage.OutputTokenCount.Should().Be(3);
        response.Usage.TotalTokenCount.Should().Be(14);
    }

    [Fact]
    public async Task Text_Streaming_ConcatenatesToTextWithStopAndUsage()
    {
        const string text = "The quick brown fox jumps over the lazy dog";
        server.Enqueue(null, ScriptedReply.Text(text).WithChunks(4));

        var (updates, error) = await ReadStreamAsync(CreateClient());

        error.Should().BeNull();
        updates.Where(update => update.Text.Length > 0).Should().HaveCount(4);
        var response = updates.ToChatResponse();
        response.Text.Should().Be(text);
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(5);
        response.Usage.OutputTokenCount.Should().Be(7);
        server.Requests.Single().Stream.Should().BeTrue();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ToolCall_ArrivesAsFunctionCallContent(bool stream)
    {
        server.Enqueue(null, ScriptedReply.ToolCall("get_weather", """{"city":"Paris","days":3}""", "call_42"));

        var response = stream
            ? (await ReadStreamAsync(CreateClient())).Updates.ToChatResponse()
            : await CreateClient().GetResponseAsync("weather?");

        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        var call = response.Messages.SelectMany(message => message.Contents).OfType<FunctionCallContent>().Single();
        call.Name.Should().Be("get_weather");
        call.CallId.Should().Be("call_42");
        call.Arguments!["city"]!.ToString().Should().Be("Paris");
        call.Arguments["days"]!.ToString().Should().Be("3");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Status503_ThrowsClientResultExceptionWithStatus(bool stream)
    {
        server.Enqueue(null, ScriptedReply.Status(503));

        var error = stream
            ? (await ReadStreamAsync(CreateClient())).Error
            : await CaptureAsync(() => CreateClient().GetResponseAsync("hi"));

        error.Should().BeOfType<ClientResultException>().Which.Status.Should().Be(503);
    }

    [Fact]
    public async Task Status429_RetryAfterHeaderIsVisible()
    {
        server.Enqueue(null, ScriptedReply.Status(429).WithRetryAfter(TimeSpan.FromSeconds(1.5)));

        var error = await CaptureAsync(() => CreateClient().GetResponseAsync("hi"));

        var exception = error.Should().BeOfType<ClientResultException>().Subject;
        exception.Status.Should().Be(429);
        exception.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be("2");
    }

    [Fact]
    public async Task RefusedEndpoint_ThrowsConnectionError()
    {
        var client = CreateClient(endpoint: ScriptedOpenAIServer.RefusedEndpoint());

        var error = await CaptureAsync(() => client.GetResponseAsync("hi"));

        var exception = error.Should().BeOfType<ClientResultException>().Subject;
        exception.Status.Should().Be(0);
        exception.InnerException.Should().BeOfType<HttpRequestException>()
            .Which.HttpRequestError.Should().Be(HttpRequestError.ConnectionError);
    }

    [Fact]
    public async Task AbortAfterChunks_ThrowsIOExceptionAfterTheSentUpdates()
    {
        server.Enqueue(null, ScriptedReply.Text("a b c d e f").WithChunks(5).AbortAfterChunks(3));

        var (updates, error) = await ReadStreamAsync(CreateClient());

        error.Should().BeAssignableTo<IOException>();
        updates.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(3);
        updates.Should().OnlyContain(update => update.FinishReason == null);
    }

    [Fact]
    public async Task CutAfterChunks_EndsStreamWithoutFinishReason()
    {
        server.Enqueue(null, ScriptedReply.Text("a b c d e f").WithChunks(5).CutAfterChunks(2));

        var (updates, error) = await ReadStreamAsync(CreateClient());

        error.Should().BeNull();
        updates.Should().HaveCount(2);
        updates.Should().OnlyContain(update => update.FinishReason == null);
        string.Concat(updates.Select(update => update.Text)).Should().Be("a ");
    }

    [Fact]
    public async Task ErrorEventAfterChunks_EndsStreamWithoutFinishReason()
    {
        server.Enqueue(null, ScriptedReply.Text("a b c d e f").WithChunks(5).ErrorEventAfterChunks(2, "GPU fell over"));

        var (updates, error) = await ReadStreamAsync(CreateClient());

        // The SDK neither throws nor surfaces the error: the error event becomes one update without content.
        error.Should().BeNull();
        updates.Should().HaveCount(3);
        updates[^1].Contents.Should().BeEmpty();
        updates.Should().OnlyContain(update => update.FinishReason == null);
    }

    [Fact]
    public async Task ErrorEventAfterChunks_NonStreaming_Throws500()
    {
        server.Enqueue(null, ScriptedReply.Text("never").ErrorEventAfterChunks(2));

        var error = await CaptureAsync(() => CreateClient().GetResponseAsync("hi"));

        error.Should().BeOfType<ClientResultException>().Which.Status.Should().Be(500);
    }

    [Fact]
    public async Task StallAfterChunks_EndsInNetworkTimeout()
    {
        server.Enqueue(null, ScriptedReply.Text("a b c d e f").WithChunks(5).StallAfterChunks(2));

        var (updates, error) = await ReadStreamAsync(CreateClient(networkTimeout: TimeSpan.FromSeconds(1)));

        error.Should().BeAssignableTo<OperationCanceledException>();
        updates.Should().HaveCount(2);
    }

    [Fact]
    public async Task Hang_CallerCancellation_FreesTheServer()
    {
        server.Enqueue(null, ScriptedReply.Hang());
        server.Enqueue(null, ScriptedReply.Text("late").After(TimeSpan.FromMinutes(5)));

        var hung = await CaptureAsync(() => GetResponseCancelledAfterAsync(TimeSpan.FromMilliseconds(200)));
        var delayed = await CaptureAsync(() => GetResponseCancelledAfterAsync(TimeSpan.FromMilliseconds(200)));
        var next = await CreateClient().GetResponseAsync("hi");

        hung.Should().BeAssignableTo<OperationCanceledException>();
        delayed.Should().BeAssignableTo<OperationCanceledException>();
        next.Text.Should().Be("ok");
        server.CountRequests().Should().Be(3);
    }

    [Fact]
    public async Task MalformedJsonAndEmptyBody_AreParseErrorsOrEmptyStreams()
    {
        server.Enqueue(null, ScriptedReply.MalformedJson())
            .Enqueue(null, ScriptedReply.MalformedJson())
            .Enqueue(null, ScriptedReply.EmptyBody())
            .Enqueue(null, ScriptedReply.EmptyBody());

        var malformed = await CaptureAsync(() => CreateClient().GetResponseAsync("hi"));
        var malformedStream = (await ReadStreamAsync(CreateClient())).Error;
        var empty = await CaptureAsync(() => CreateClient().GetResponseAsync("hi"));
        var (emptyStreamUpdates, emptyStreamError) = await ReadStreamAsync(CreateClient());

        malformed.Should().BeAssignableTo<JsonException>();
        malformedStream.Should().BeAssignableTo<JsonException>();
        empty.Should().BeAssignableTo<JsonException>();
        emptyStreamError.Should().BeNull();
        emptyStreamUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task Custom_HandlerWritesTheResponse()
    {
        server.Enqueue(null, ScriptedReply.Custom(context =>
        {
            context.Response.StatusCode = 418;
            return Task.CompletedTask;
        }));

        var error = await CaptureAsync(() => CreateClient().GetResponseAsync("hi"));

        error.Should().BeOfType<ClientResultException>().Which.Status.Should().Be(418);
    }

    [Fact]
    public async Task RecordedRequest_HoldsModelMessagesAndAuthorization()
    {
        await CreateClient(ModelB).GetResponseAsync("hello recorder");

        var request = server.Requests.Single();
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/v1/chat/completions");
        request.Model.Should().Be(ModelB);
        request.Stream.Should().BeFalse();
        request.Authorization.Should().Be("Bearer k");
        request.Body.Should().Contain(ModelB).And.Contain("hello recorder");
        var message = request.Json!["messages"]![0]!;
        message["role"]!.GetValue<string>().Should().Be("user");
        message["content"]!.ToJsonString().Should().Contain("hello recorder");
    }

    [Fact]
    public async Task Replies_AreFifoPerModelThenAnyModelThenPersistentThenOk()
    {
        server.Enqueue(ModelA, ScriptedReply.Text("a1"))
            .Enqueue(ModelA, ScriptedReply.Text("a2"))
            .Enqueue(ModelB, ScriptedReply.Text("b1"))
            .Enqueue(null, ScriptedReply.Text("any1"))
            .Always(ModelA, ScriptedReply.Text("always-a"));

        var answers = new List<string>();
        foreach (var model in new[] { ModelB, ModelA, ModelA, ModelA, ModelA, ModelB })
        {
            answers.Add((await CreateClient(model).GetResponseAsync("hi")).Text);
        }

        answers.Should().Equal("b1", "a1", "a2", "any1", "always-a", "ok");
        server.CountRequests().Should().Be(6);
        server.CountRequests(ModelA).Should().Be(4);
        server.CountRequests(ModelB).Should().Be(2);
        server.PendingReplies.Should().Be(0);
    }

    [Fact]
    public async Task Models_ListsServedModelsAndCanFail()
    {
        server.ServeModels("alpha", "beta");
        var models = CreateOpenAIClient().GetOpenAIModelClient();

        var listed = await models.GetModelsAsync();
        server.SetModelsReply(ScriptedReply.Status(500));
        var error = await CaptureAsync(() => models.GetModelsAsync());

        listed.Value.Select(model => model.Id).Should().Equal("alpha", "beta");
        listed.Value.Should().OnlyContain(model => model.OwnedBy == "scripted");
        error.Should().BeOfType<ClientResultException>().Which.Status.Should().Be(500);
        server.Requests.Should().HaveCount(2).And.OnlyContain(request => request.Path == "/v1/models");
        server.CountRequests().Should().Be(0);
    }

    [Fact]
    public async Task UnknownRoutes_Answer404AndAreRecorded()
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TestTimeout };

        var wrongMethod = await http.GetAsync(new Uri("v1/chat/completions", UriKind.Relative));
        var unknownPath = await http.PostAsync(new Uri("v1/embeddings", UriKind.Relative), new StringContent("{}"));

        wrongMethod.StatusCode.Should().Be(HttpStatusCode.NotFound);
        unknownPath.StatusCode.Should().Be(HttpStatusCode.NotFound);
        server.Requests.Select(request => $"{request.Method} {request.Path}")
            .Should().Equal("GET /v1/chat/completions", "POST /v1/embeddings");
    }

    [Fact]
    public async Task Reset_ForgetsScriptsAndRecordings()
    {
        server.Enqueue(null, ScriptedReply.Text("queued")).Always(null, ScriptedReply.Status(500)).ServeModels("alpha");
        await CreateClient().GetResponseAsync("hi");

        server.Reset();
        var response = await CreateClient().GetResponseAsync("hi");
        var models = await CreateOpenAIClient().GetOpenAIModelClient().GetModelsAsync();

        response.Text.Should().Be("ok");
        models.Value.Should().BeEmpty();
        server.Requests.Should().HaveCount(2);
        server.PendingReplies.Should().Be(0);
    }

    [Fact]
    public async Task DisposeAsync_EndsHangingRequests()
    {
        server.Enqueue(null, ScriptedReply.Hang());
        var pending = CaptureAsync(() => CreateClient(networkTimeout: TimeSpan.FromMinutes(1)).GetResponseAsync("hi"));
        while (server.CountRequests() == 0)
        {
            await Task.Delay(10);
        }

        await server.DisposeAsync().AsTask().WaitAsync(TestTimeout);
        var error = await pending.WaitAsync(TestTimeout);

        error.Should().NotBeNull();
    }

    private IChatClient CreateClient(string model = ModelA, Uri? endpoint = null, TimeSpan? networkTimeout = null) =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential("k"), CreateOptions(endpoint, networkTimeout)).AsIChatClient();

    private async Task GetResponseCancelledAfterAsync(TimeSpan delay)
    {
        using var cancellation = new CancellationTokenSource(delay);
        await CreateClient().GetResponseAsync("hi", cancellationToken: cancellation.Token);
    }

    private OpenAIClient CreateOpenAIClient() => new(new ApiKeyCredential("k"), CreateOptions(endpoint: null, networkTimeout: null));

    private OpenAIClientOptions CreateOptions(Uri? endpoint, TimeSpan? networkTimeout) => new()
    {
        Endpoint = endpoint ?? server.V1Endpoint,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        NetworkTimeout = networkTimeout ?? TestTimeout,
    };

    private static async Task<(List<ChatResponseUpdate> Updates, Exception? Error)> ReadStreamAsync(IChatClient client)
    {
        var updates = new List<ChatResponseUpdate>();
        using var timeout = new CancellationTokenSource(TestTimeout);
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: timeout.Token))
            {
                updates.Add(update);
            }

            return (updates, null);
        }
        catch (Exception exception)
        {
            return (updates, exception);
        }
    }

    private static async Task<Exception?> CaptureAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
