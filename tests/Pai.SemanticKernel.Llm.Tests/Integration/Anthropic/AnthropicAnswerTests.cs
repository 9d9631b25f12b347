using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.Anthropic.AnthropicHarness;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Anthropic;

/// <summary>Answers from an Anthropic backend, and what reaches Anthropic's Messages API on the wire.</summary>
public sealed class AnthropicAnswerTests : IAsyncLifetime
{
    private ScriptedAnthropicServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedAnthropicServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_json_answer_comes_back_stamped_with_backend_and_effort()
    {
        _server.Always(Claude, ScriptedReply.Text("hello from claude").WithUsage(11, 3));
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));

        ChatResponse response = await router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Determined));

        response.Text.Should().Be("hello from claude");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(11);
        response.Usage.OutputTokenCount.Should().Be(3);
        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("anthropic");
        response.AdditionalProperties[PaiPropertyNames.ServedEffort].Should().Be(EffortLevel.Determined);
    }

    [Fact]
    public async Task A_streamed_answer_arrives_in_pieces_and_ends_with_its_finish_reason()
    {
        _server.Always(Claude, ScriptedReply.Text("one two three four").WithChunks(4));
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));

        (List<ChatResponseUpdate> updates, Exception? error) = await StreamAsync(router, new ChatOptions().WithEffort(EffortLevel.Quick));

        error.Should().BeNull();
        updates.Where(u => u.Text.Length > 0).Select(u => u.Text).Should().Equal("one ", "two ", "three ", "four");
        updates[0].AdditionalProperties![PaiPropertyNames.Backend].Should().Be("anthropic");
        updates[0].AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(EffortLevel.Quick);
        ChatResponse merged = updates.ToChatResponse();
        merged.FinishReason.Should().Be(ChatFinishReason.Stop);
        merged.Usage!.OutputTokenCount.Should().Be(7);
        _server.MessageRequests.Single().Stream.Should().BeTrue();
    }

    [Fact]
    public async Task A_request_carries_the_model_max_tokens_key_and_api_version()
    {
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));

        await router.GetResponseAsync(Hello());
        await router.GetResponseAsync(Hello(), new ChatOptions { MaxOutputTokens = 17 });

        IReadOnlyList<RecordedRequest> requests = _server.MessageRequests;
        requests.Select(r => r.Model).Should().Equal(Claude, Claude);
        requests.Select(r => (int)r.Json!["max_tokens"]!).Should().Equal(MaxTokens, 17);
        requests.Should().OnlyContain(r => r.Headers.ContainsKey("anthropic-version"));
        requests.Should().OnlyContain(r => r.Authorization == "Bearer " + ApiKey, "Anthropic SDK 13.x sends the API key as a bearer token");
        requests.Should().OnlyContain(r => !r.Body.Contains("effort", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task System_messages_go_to_the_system_field_not_into_the_messages()
    {
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));
        List<ChatMessage> messages = [new(ChatRole.System, "You answer in French."), new(ChatRole.User, "hello")];

        await router.GetResponseAsync(messages);

        JsonNode body = _server.MessageRequests.Single().Json!;
        body["system"]!.AsArray().Select(block => (string?)block!["text"]).Should().Equal("You answer in French.");
        body["messages"]!.AsArray().Select(message => (string?)message!["role"]).Should().Equal("user");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_use_comes_back_as_a_function_call(bool streaming)
    {
        _server.Always(Claude, ScriptedReply.ToolCall("get_weather", """{"city":"Paris"}""", callId: "toolu_01"));
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));
        var options = new ChatOptions { Tools = [WeatherTool()] };

        ChatResponse response = streaming
            ? (await router.GetStreamingResponseAsync(Hello(), options).ToListAsync()).ToChatResponse()
            : await router.GetResponseAsync(Hello(), options);

        FunctionCallContent call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        call.CallId.Should().Be("toolu_01");
        call.Name.Should().Be("get_weather");
        call.Arguments!["city"]!.ToString().Should().Be("Paris");
        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task Tools_and_tool_results_go_out_in_anthropics_shape()
    {
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "weather in Rome?"),
            new(ChatRole.Assistant, [new FunctionCallContent("toolu_00", "get_weather", new Dictionary<string, object?> { ["city"] = "Rome" })]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_00", "rainy")]),
        ];

        await router.GetResponseAsync(messages, new ChatOptions { Tools = [WeatherTool()] });

        JsonNode body = _server.MessageRequests.Single().Json!;
        JsonNode tool = body["tools"]!.AsArray().Single()!;
        ((string?)tool["name"]).Should().Be("get_weather");
        ((string?)tool["input_schema"]!["properties"]!["city"]!["type"]).Should().Be("string");
        JsonArray history = body["messages"]!.AsArray();
        history.Select(m => (string?)m!["role"]).Should().Equal("user", "assistant", "user");
        JsonNode toolUse = history[1]!["content"]!.AsArray().Single()!;
        ((string?)toolUse["type"]).Should().Be("tool_use");
        ((string?)toolUse["input"]!["city"]).Should().Be("Rome");
        JsonNode toolResult = history[2]!["content"]!.AsArray().Single()!;
        ((string?)toolResult["type"]).Should().Be("tool_result");
        ((string?)toolResult["tool_use_id"]).Should().Be("toolu_00");
        toolResult["content"]!.ToJsonString().Should().Contain("rainy");
    }

    private static AIFunction WeatherTool() => AIFunctionFactory.Create((string city) => "sunny in " + city, "get_weather", "Gets the weather of a city.");
}
