using System.ComponentModel;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Pai.SemanticKernel.Llm.Testing;
using Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection;
using static Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection.TieredConfiguration;

namespace Pai.SemanticKernel.Llm.Tests.Integration.SemanticKernel;

/// <summary>
/// Kernel functions run automatically with <c>FunctionChoiceBehavior.Auto()</c>; every round trip of the tool loop goes to
/// the tier chosen for the first; a failover inside the loop neither loses nor repeats a tool result.
/// </summary>
public sealed class KernelToolLoopTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;
    private Kernel _kernel = null!;
    private readonly MathPlugin _math = new();

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        IKernelBuilder builder = Kernel.CreateBuilder();
        builder.AddPaiEffortRouting(TieredConfiguration.Build(_server.V1Endpoint).GetSection("Pai:Llm"));
        builder.Plugins.AddFromObject(_math, "Math");
        _kernel = builder.Build();
    }

    public async Task DisposeAsync()
    {
        (_kernel.Services as IDisposable)?.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(EffortLevel.Quick, false)]
    [InlineData(EffortLevel.Quick, true)]
    [InlineData(EffortLevel.Determined, false)]
    [InlineData(EffortLevel.Determined, true)]
    public async Task InvokePrompt_runs_the_tool_loop_on_the_tier_of_the_first_call(EffortLevel effort, bool streaming)
    {
        string model = ModelOf(effort);
        ScriptTwoAdditions(model);

        string answer = await InvokePromptAsync(Settings(effort), streaming);

        answer.Should().Be("The sum is 15.");
        _math.Calls.Should().Equal("2+3", "5+10");
        _server.ChatModels().Should().Equal(model, model, model);
        _server.ChatRequests()[0].Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]).Should().Contain("Math_Add");
        _server.ChatRequests()[2].ToolResults().Should().Equal("5", "15");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_service_id_holds_for_every_round_trip(bool streaming)
    {
        ScriptTwoAdditions(Large);
        var settings = new PromptExecutionSettings { ServiceId = "determined", FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        string answer = await InvokePromptAsync(settings, streaming);

        answer.Should().Be("The sum is 15.");
        _server.ChatModels().Should().Equal(Large, Large, Large);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_chat_completion_service_runs_the_tool_loop_and_records_it_in_the_history(bool streaming)
    {
        ScriptTwoAdditions(Small);
        IChatCompletionService chat = _kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("What is 2+3, plus 10?");

        string answer;
        if (streaming)
        {
            var parts = new List<string?>();
            await foreach (StreamingChatMessageContent update in chat.GetStreamingChatMessageContentsAsync(history, Settings(EffortLevel.Quick), _kernel))
            {
                parts.Add(update.Content);
            }

            answer = string.Concat(parts);
        }
        else
        {
            answer = (await chat.GetChatMessageContentAsync(history, Settings(EffortLevel.Quick), _kernel)).Content!;
        }

        answer.Should().Be("The sum is 15.");
        _math.Calls.Should().Equal("2+3", "5+10");
        _server.ChatModels().Should().Equal(Small, Small, Small);
        history.SelectMany(m => m.Items).OfType<Microsoft.SemanticKernel.FunctionResultContent>().Select(r => r.Result?.ToString()).Should().Equal("5", "15");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failover_inside_the_tool_loop_neither_loses_nor_repeats_the_tool_result(bool streaming)
    {
        _server.Enqueue(Small, ScriptedReply.ToolCall("Math_Add", """{"a":20,"b":22}""", "call_42"))
               .Enqueue(Small, ScriptedReply.Status(503))
               .Enqueue(Backup, ScriptedReply.Text("It is 42."));

        string answer = await InvokePromptAsync(Settings(EffortLevel.Quick), streaming);

        answer.Should().Be("It is 42.");
        _math.Calls.Should().Equal("20+22");
        _server.ChatModels().Should().Equal(Small, Small, Backup);
        RecordedRequest failedOver = _server.ChatRequests()[2];
        failedOver.ToolCallIds().Should().Equal("call_42");
        failedOver.ToolResults().Should().Equal("42");
    }

    [Fact]
    public async Task After_a_failover_the_next_round_trip_starts_again_at_the_tiers_first_backend()
    {
        _server.Enqueue(Large, ScriptedReply.Status(500))
               .Enqueue(Backup, ScriptedReply.ToolCall("Math_Add", """{"a":1,"b":2}"""))
               .Enqueue(Large, ScriptedReply.Text("3"));

        string answer = await InvokePromptAsync(Settings(EffortLevel.Determined), streaming: false);

        answer.Should().Be("3");
        _server.ChatModels().Should().Equal(Large, Backup, Large);
    }

    private void ScriptTwoAdditions(string model) =>
        _server.Enqueue(model, ScriptedReply.ToolCall("Math_Add", """{"a":2,"b":3}""", "call_1"))
               .Enqueue(model, ScriptedReply.ToolCall("Math_Add", """{"a":5,"b":10}""", "call_2"))
               .Enqueue(model, ScriptedReply.Text("The sum is 15."));

    private static PromptExecutionSettings Settings(EffortLevel effort) => new()
    {
        FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(),
        ExtensionData = new Dictionary<string, object> { ["effort"] = effort.ToString().ToLowerInvariant() },
    };

    private async Task<string> InvokePromptAsync(PromptExecutionSettings settings, bool streaming)
    {
        const string Prompt = "What is 2+3, plus 10?";
        if (!streaming)
        {
            return (await _kernel.InvokePromptAsync(Prompt, new KernelArguments(settings))).GetValue<string>()!;
        }

        var parts = new List<string>();
        await foreach (StreamingKernelContent update in _kernel.InvokePromptStreamingAsync(Prompt, new KernelArguments(settings)))
        {
            parts.Add(update.ToString());
        }

        return string.Concat(parts);
    }

    /// <summary>A real plugin: adds two numbers and records each call.</summary>
    private sealed class MathPlugin
    {
        private readonly List<string> _calls = [];

        public IReadOnlyList<string> Calls
        {
            get
            {
                lock (_calls)
                {
                    return [.. _calls];
                }
            }
        }

        [KernelFunction, Description("Adds two integers.")]
        public int Add([Description("The first addend.")] int a, [Description("The second addend.")] int b)
        {
            lock (_calls)
            {
                _calls.Add($"{a}+{b}");
            }

            return a + b;
        }
    }
}
