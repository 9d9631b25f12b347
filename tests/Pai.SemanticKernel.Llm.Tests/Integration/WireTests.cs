using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration;

/// <summary>What reaches the server: the model of the effort's tier, defaults, credentials; never the effort key.</summary>
public sealed class WireTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(EffortLevel.Quick, "Qwen/Qwen2.5-7B-Instruct")]
    [InlineData(EffortLevel.Standard, "Qwen/Qwen2.5-32B-Instruct")]
    [InlineData(EffortLevel.Determined, "Qwen/Qwen2.5-72B-Instruct")]
    public async Task Each_effort_reaches_its_tiers_model_and_the_effort_key_never_reaches_the_wire(EffortLevel effort, string model)
    {
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint));

        ChatResponse response = await router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(effort));
        (List<ChatResponseUpdate> updates, Exception? error) = await StreamAsync(router, new ChatOptions { AdditionalProperties = new() { ["effort"] = effort.ToString().ToUpperInvariant() } });

        error.Should().BeNull();
        response.ModelId.Should().Be(model);
        response.AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(effort);
        updates[0].AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(effort);
        _server.Requests.Where(r => r.IsChatCompletion).Should().HaveCount(2).And.OnlyContain(r => r.Model == model);
        _server.Requests.Should().OnlyContain(r => !r.Body.Contains("effort", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_effort_key_stays_off_the_wire_when_the_callers_options_go_to_the_OpenAI_client_uncopied()
    {
        // The request sets what the backend has defaults for (Temperature is 0.7 unless configured) and no model: nothing
        // to change, so the caller's own options reach the OpenAI SDK's client, effort key included; it must not send it.
        var options = new PaiLlmOptions();
        options.Backends["local"] = new BackendOptions { Endpoint = _server.V1Endpoint, Model = "local-model" };
        options.Tier(EffortLevel.Standard).Backends.Add("local");
        using var router = new ModelRouter(options);
        ChatOptions request = new ChatOptions { MaxOutputTokens = 64, Temperature = 0.2f }.WithEffort(EffortLevel.Standard);

        router.Backends["local"].PrepareOptions(request).Should().BeSameAs(request, "this test is about the uncopied path");
        ChatResponse response = await router.GetResponseAsync(Hello(), request);
        (List<ChatResponseUpdate> updates, Exception? error) = await StreamAsync(router, request);

        error.Should().BeNull();
        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("local");
        updates[0].AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(EffortLevel.Standard);
        request.AdditionalProperties.Should().ContainKey(PaiPropertyNames.Effort).And.HaveCount(1, "the caller's options are never modified");
        _server.Requests.Where(r => r.IsChatCompletion).Should().HaveCount(2);
        _server.Requests.Should().OnlyContain(r => !r.Body.Contains("effort", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SetEffort_routes_requests_without_their_own_effort()
    {
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint));
        router.GetEffort().Should().Be(EffortLevel.Standard);

        router.SetEffort(EffortLevel.Determined);
        await router.CompleteAsync(new CompletionRequest("hi"));
        await router.CompleteAsync(new CompletionRequest("hi") { Effort = EffortLevel.Quick });

        router.GetEffort().Should().Be(EffortLevel.Determined);
        _server.Requests.Select(r => r.Model).Should().Equal("Qwen/Qwen2.5-72B-Instruct", "Qwen/Qwen2.5-7B-Instruct");
    }

    [Fact]
    public async Task Backend_defaults_apply_only_where_the_request_sets_none()
    {
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint));

        await router.CompleteAsync(new CompletionRequest("hi") { Effort = EffortLevel.Quick });
        await router.CompleteAsync(new CompletionRequest("hi") { Effort = EffortLevel.Quick, MaxTokens = 17, Temperature = 0.1f });

        JsonNode first = _server.Requests[0].Json!;
        ((int)first["max_completion_tokens"]!).Should().Be(2048);
        ((double)first["temperature"]!).Should().BeApproximately(0.7, 1e-6);
        JsonNode second = _server.Requests[1].Json!;
        ((int)second["max_completion_tokens"]!).Should().Be(17);
        ((double)second["temperature"]!).Should().BeApproximately(0.1, 1e-6);
    }

    [Fact]
    public async Task No_api_key_sends_no_authorization_header_and_a_key_is_sent_as_bearer()
    {
        using (var keyless = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint)))
        {
            await keyless.CompleteAsync(new CompletionRequest("hi"));
        }

        using (var keyed = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint, "sk-local-key")))
        {
            await keyed.CompleteAsync(new CompletionRequest("hi"));
        }

        _server.Requests[0].Authorization.Should().BeNull();
        _server.Requests[1].Authorization.Should().Be("Bearer sk-local-key");
    }

    [Fact]
    public async Task Tools_and_tool_choice_pass_through_to_the_wire()
    {
        _server.Always(null, ScriptedReply.ToolCall("clock", "{}"));
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint));

        ChatResponse response = await router.CompleteAsync(new CompletionRequest("time?")
        {
            Tools = [AIFunctionFactory.Create(() => "12:00", "clock", "Tells the time")],
            ToolChoice = ChatToolMode.RequireSpecific("clock"),
        });

        response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Should().ContainSingle(c => c.Name == "clock");
        JsonNode body = _server.Requests.Single().Json!;
        body["tools"]![0]!["function"]!["name"]!.GetValue<string>().Should().Be("clock");
        body["tool_choice"]!["function"]!["name"]!.GetValue<string>().Should().Be("clock");
    }

    [Fact]
    public async Task The_callers_model_id_does_not_override_the_backend_chosen_by_effort()
    {
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint));

        await router.GetResponseAsync(Hello(), new ChatOptions { ModelId = "gpt-4o" }.WithEffort(EffortLevel.Quick));

        _server.Requests.Single().Model.Should().Be("Qwen/Qwen2.5-7B-Instruct");
    }

    [Fact]
    public async Task Streaming_and_complete_answers_carry_who_served_them()
    {
        _server.Always(null, ScriptedReply.Text("It was a sunny day").WithChunks(4));
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint));

        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in router.StreamAsync(new CompletionRequest("story") { Effort = EffortLevel.Determined }))
        {
            updates.Add(update);
        }

        updates[0].AdditionalProperties![PaiPropertyNames.Backend].Should().Be("vllm-72b");
        ChatResponse merged = updates.ToChatResponse();
        merged.Text.Should().Be("It was a sunny day");
        merged.FinishReason.Should().Be(ChatFinishReason.Stop);
        merged.ModelId.Should().Be("Qwen/Qwen2.5-72B-Instruct");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bad_requests_are_rejected_before_any_backend_is_called(bool streaming)
    {
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint));

        Action[] calls = streaming
            ? [() => router.StreamAsync(new CompletionRequest()), () => router.StreamAsync(new CompletionRequest { Messages = [null!] }), () => router.GetStreamingResponseAsync([])]
            : [() => router.CompleteAsync(new CompletionRequest()).GetAwaiter().GetResult(), () => router.CompleteAsync(null!).GetAwaiter().GetResult(), () => router.GetResponseAsync([new ChatMessage(ChatRole.User, "x"), null!]).GetAwaiter().GetResult()];

        foreach (Action call in calls)
        {
            call.Should().Throw<ArgumentException>().Which.ParamName.Should().NotBeNullOrEmpty();
        }

        _server.Requests.Should().BeEmpty();
    }
}
