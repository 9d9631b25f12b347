using System.ClientModel;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Observability;

/// <summary>
/// The router's spans beside Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c>: its <c>chat</c> span is the model call,
/// ours are routing, and the two nest without either repeating the other.
/// </summary>
public sealed class AlongsideMeaiTelemetryTests : IAsyncLifetime
{
    private const string MeaiSource = "Pai.Tests.Meai";
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Around_the_router_the_chat_span_is_the_parent_of_the_route_span_and_the_only_one_with_token_usage()
    {
        _server.Always(Primary, ScriptedReply.Status(503)).Always(Secondary, ScriptedReply.Text("from b", promptTokens: 5, completionTokens: 7));
        using Observed observed = Observed.TwoBackends(_server);
        using IChatClient client = observed.Router.AsBuilder().UseOpenTelemetry(sourceName: MeaiSource).Build();
        using var trace = new TraceCapture(MeaiSource);

        await client.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Standard));

        Activity chat = trace.Spans.Should().ContainSingle(s => s.Source.Name == MeaiSource).Subject;
        Activity route = trace.Named("pai.route").Should().ContainSingle().Subject;
        IReadOnlyList<Activity> attempts = trace.Named("pai.attempt");
        chat.Kind.Should().Be(ActivityKind.Client);
        chat.Tag("gen_ai.operation.name").Should().Be("chat");
        chat.Tag("gen_ai.usage.input_tokens").Should().Be(5);
        route.ParentSpanId.Should().Be(chat.SpanId);
        attempts.Select(a => a.DisplayName).Should().Equal("pai.attempt a", "pai.attempt b");
        attempts.Should().OnlyContain(a => a.ParentSpanId == route.SpanId);

        trace.Spans.Where(s => s.HasTag("gen_ai.operation.name")).Should().Equal([chat], "one model call was made for the caller, whatever the routing did");
        trace.Spans.Where(s => s.HasTag("gen_ai.usage.input_tokens") || s.HasTag("gen_ai.usage.output_tokens")).Should().Equal([chat], "tokens are counted once");
    }

    [Fact]
    public async Task Inside_the_chain_each_backend_call_is_a_chat_span_under_its_attempt_span()
    {
        _server.Always(Primary, ScriptedReply.Status(503)).Always(Secondary, ScriptedReply.Text("from b"));
        using var trace = new TraceCapture(MeaiSource);
        using IChatClient a = Backend(Primary).AsBuilder().UseOpenTelemetry(sourceName: MeaiSource).Build();
        using IChatClient b = Backend(Secondary).AsBuilder().UseOpenTelemetry(sourceName: MeaiSource).Build();
        using var chain = new FallbackChatClient([new("a", a), new("b", b)]);

        ChatResponse response = await chain.GetResponseAsync(Hello());

        response.Text.Should().Be("from b");
        Activity route = trace.Named("pai.route").Should().ContainSingle().Subject;
        IReadOnlyList<Activity> attempts = trace.Named("pai.attempt");
        IReadOnlyList<Activity> calls = [.. trace.Spans.Where(s => s.Source.Name == MeaiSource)];
        attempts.Select(x => x.DisplayName).Should().Equal("pai.attempt a", "pai.attempt b");
        calls.Should().HaveCount(2);
        calls[0].ParentSpanId.Should().Be(attempts[0].SpanId);
        calls[0].Status.Should().Be(ActivityStatusCode.Error);
        calls[1].ParentSpanId.Should().Be(attempts[1].SpanId);
        calls[1].Tag("gen_ai.request.model").Should().Be(Secondary);
        attempts.Should().OnlyContain(x => x.ParentSpanId == route.SpanId);
    }

    private IChatClient Backend(string model) =>
        new ChatClient(model, new ApiKeyCredential("unused"), new OpenAIClientOptions
        {
            Endpoint = _server.V1Endpoint,
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
        }).AsIChatClient();
}
