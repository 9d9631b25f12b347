using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Pai.SemanticKernel.Llm.Testing;
using Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection;
using static Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection.TieredConfiguration;

namespace Pai.SemanticKernel.Llm.Tests.Integration.SemanticKernel;

/// <summary>
/// Effort selection in a kernel built with <c>AddPaiEffortRouting</c>: execution settings' <c>effort</c>, JSON prompt
/// configurations, <c>ServiceId</c>, and the default; checked on the wire of the scripted server.
/// </summary>
public sealed class KernelRoutingTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;
    private Kernel _kernel = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        IKernelBuilder builder = Kernel.CreateBuilder();
        builder.AddPaiEffortRouting(TieredConfiguration.Build(_server.V1Endpoint).GetSection("Pai:Llm"));
        _kernel = builder.Build();
    }

    public async Task DisposeAsync()
    {
        (_kernel.Services as IDisposable)?.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("quick", Small)]
    [InlineData("standard", Medium)]
    [InlineData("DETERMINED", Large)]
    public async Task ExtensionData_effort_routes_InvokePromptAsync_and_its_streaming_form(string effort, string model)
    {
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["effort"] = effort } };

        FunctionResult result = await _kernel.InvokePromptAsync("hello", new KernelArguments(settings));
        await foreach (StreamingKernelContent _ in _kernel.InvokePromptStreamingAsync("hello", new KernelArguments(settings)))
        {
        }

        result.GetValue<string>().Should().Be("ok");
        _server.ChatModels().Should().Equal(model, model);
        _server.Requests.Should().OnlyContain(r => !r.Body.Contains("effort", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("quick", Small)]
    [InlineData("standard", Medium)]
    [InlineData("determined", Large)]
    public async Task ServiceId_selects_the_keyed_client_of_that_tier(string serviceId, string model)
    {
        var settings = new PromptExecutionSettings { ServiceId = serviceId };

        await _kernel.InvokePromptAsync("hello", new KernelArguments(settings));
        await foreach (StreamingKernelContent _ in _kernel.InvokePromptStreamingAsync("hello", new KernelArguments(settings)))
        {
        }

        _server.ChatModels().Should().Equal(model, model);
    }

    [Fact]
    public async Task Without_settings_or_service_id_the_default_tier_serves_despite_the_keyed_registrations()
    {
        await _kernel.InvokePromptAsync("hello");
        await _kernel.InvokePromptAsync("hello", new KernelArguments(new PromptExecutionSettings()));
        await _kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("hello");

        _server.ChatModels().Should().Equal(Medium, Medium, Medium);
    }

    [Fact]
    public async Task Effort_from_a_json_prompt_configuration_routes_the_prompt_function()
    {
        PromptTemplateConfig config = PromptTemplateConfig.FromJson("""
            {
              "name": "summarize",
              "template": "Summarize: {{$input}}",
              "execution_settings": { "default": { "effort": "determined", "temperature": 0.2 } }
            }
            """);
        KernelFunction summarize = _kernel.CreateFunctionFromPrompt(config);

        await _kernel.InvokeAsync(summarize, new KernelArguments { ["input"] = "a long text" });

        _server.ChatModels().Should().Equal(Large);
        ((double)_server.ChatRequests()[0].Json!["temperature"]!).Should().BeApproximately(0.2, 1e-6);
    }

    [Fact]
    public async Task A_service_id_from_a_json_prompt_configuration_selects_its_tier()
    {
        PromptTemplateConfig config = PromptTemplateConfig.FromJson("""
            { "template": "hello", "execution_settings": { "quick": { "max_tokens": 50 } } }
            """);

        await _kernel.InvokeAsync(_kernel.CreateFunctionFromPrompt(config));

        _server.ChatModels().Should().Equal(Small);
        ((int)_server.ChatRequests()[0].Json!["max_completion_tokens"]!).Should().Be(50);
    }

    [Fact]
    public async Task Deserialized_execution_settings_carry_the_effort()
    {
        PromptExecutionSettings settings = JsonSerializer.Deserialize<PromptExecutionSettings>("""{ "effort": "quick" }""")!;

        await _kernel.InvokePromptAsync("hello", new KernelArguments(settings));

        _server.ChatModels().Should().Equal(Small);
    }

    [Fact]
    public async Task A_bad_effort_in_settings_fails_with_a_clear_message_before_any_backend_is_called()
    {
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["effort"] = "turbo" } };

        Func<Task> invoke = () => _kernel.InvokePromptAsync("hello", new KernelArguments(settings));

        (await invoke.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("'turbo'").And.Contain("quick, standard, determined");
        _server.CountRequests().Should().Be(0);
    }

    [Fact]
    public async Task The_chat_completion_service_keeps_a_conversation_and_honours_the_effort()
    {
        IChatCompletionService chat = _kernel.GetRequiredService<IChatCompletionService>();
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["effort"] = "quick" } };
        var history = new ChatHistory("You are terse.");
        history.AddUserMessage("Hi");
        _server.Enqueue(Small, ScriptedReply.Text("Hello."));

        ChatMessageContent first = await chat.GetChatMessageContentAsync(history, settings, _kernel);
        history.Add(first);
        history.AddUserMessage("And again?");
        var streamed = new List<string?>();
        await foreach (StreamingChatMessageContent update in chat.GetStreamingChatMessageContentsAsync(history, settings, _kernel))
        {
            streamed.Add(update.Content);
        }

        first.Content.Should().Be("Hello.");
        string.Concat(streamed).Should().Be("ok");
        _server.ChatModels().Should().Equal(Small, Small);
        _server.ChatRequests()[1].Messages().Select(m => (string?)m!["role"]).Should().Equal("system", "user", "assistant", "user");
    }

    [Fact]
    public async Task A_kernel_from_options_or_a_fixed_preset_routes_the_same_way()
    {
        IKernelBuilder builder = Kernel.CreateBuilder();
        builder.AddPaiEffortRouting(TieredConfiguration.Options(_server.V1Endpoint));
        Kernel kernel = builder.Build();

        await kernel.InvokePromptAsync("hello", new KernelArguments(new PromptExecutionSettings { ServiceId = "determined" }));

        _server.ChatModels().Should().Equal(Large);
    }

    [Fact]
    public void Without_arguments_the_kernel_is_configured_from_the_environment_like_ModelRouter_FromEnvironment()
    {
        IKernelBuilder builder = Kernel.CreateBuilder();
        builder.AddPaiEffortRouting();
        Kernel kernel = builder.Build();
        using ModelRouter expected = ModelRouter.FromEnvironment();

        ModelRouter router = kernel.GetRequiredService<ModelRouter>();

        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            router.GetChain(effort).Should().Equal(expected.GetChain(effort));
        }

        kernel.GetRequiredService<IChatCompletionService>().Should().NotBeNull();
        (kernel.Services as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task A_bad_configuration_fails_at_the_first_use_naming_the_setting()
    {
        IKernelBuilder builder = Kernel.CreateBuilder();
        builder.AddPaiEffortRouting(TieredConfiguration.Build(_server.V1Endpoint, s => s["Pai:Llm:Backends:small:Endpoint"] = "not a uri").GetSection("Pai:Llm"));
        Kernel kernel = builder.Build();

        Func<Task> invoke = () => kernel.InvokePromptAsync("hello");

        (await invoke.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>())
            .Which.Message.Should().Contain("Pai:Llm:Backends:small:Endpoint 'not a uri'");
        _server.CountRequests().Should().Be(0);
    }
}
