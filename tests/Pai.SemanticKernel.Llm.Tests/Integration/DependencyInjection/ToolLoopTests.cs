using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection.TieredConfiguration;

namespace Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection;

/// <summary>
/// Tool loops of Microsoft.Extensions.AI's function-invoking client chained on the registered pipeline: every round trip
/// goes to the tier chosen for the first, and a failover between round trips neither loses nor repeats a tool result.
/// </summary>
public sealed class ToolLoopTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;
    private ServiceProvider _services = null!;
    private int _additions;

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        IConfigurationRoot configuration = TieredConfiguration.Build(_server.V1Endpoint);
        var services = new ServiceCollection();
        services.AddPaiEffortRouting(configuration.GetSection("Pai:Llm")).UseFunctionInvocation();
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(EffortLevel.Quick, false)]
    [InlineData(EffortLevel.Quick, true)]
    [InlineData(EffortLevel.Determined, false)]
    [InlineData(EffortLevel.Determined, true)]
    public async Task Every_round_trip_of_a_tool_loop_goes_to_the_tier_of_the_first(EffortLevel effort, bool streaming)
    {
        string model = ModelOf(effort);
        _server.Enqueue(model, ScriptedReply.ToolCall("add", """{"a":2,"b":3}""", "call_add"))
               .Enqueue(model, ScriptedReply.ToolCall("add", """{"a":5,"b":10}""", "call_add_2"))
               .Enqueue(model, ScriptedReply.Text("The sum is 15."));

        string answer = await AskAsync(_services.GetRequiredService<IChatClient>(), new ChatOptions { Tools = [Add()] }.WithEffort(effort), streaming);

        answer.Should().Be("The sum is 15.");
        _additions.Should().Be(2);
        _server.ChatModels().Should().Equal(model, model, model);
        _server.ChatRequests()[2].ToolResults().Should().Equal("5", "15");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_keyed_client_keeps_its_tier_for_every_round_trip(bool streaming)
    {
        _server.Enqueue(Small, ScriptedReply.ToolCall("add", """{"a":1,"b":1}"""))
               .Enqueue(Small, ScriptedReply.Text("2"));

        string answer = await AskAsync(_services.GetRequiredKeyedService<IChatClient>("quick"), new ChatOptions { Tools = [Add()] }, streaming);

        answer.Should().Be("2");
        _server.ChatModels().Should().Equal(Small, Small);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SetEffort_during_a_tool_loop_does_not_move_its_later_round_trips(bool streaming)
    {
        ModelRouter router = _services.GetRequiredService<ModelRouter>();
        AIFunction escalate = AIFunctionFactory.Create(() =>
        {
            router.SetEffort(EffortLevel.Determined);
            return "escalated";
        }, "escalate");
        _server.Enqueue(Medium, ScriptedReply.ToolCall("escalate", "{}"))
               .Enqueue(Medium, ScriptedReply.Text("done"));

        string answer = await AskAsync(_services.GetRequiredService<IChatClient>(), new ChatOptions { Tools = [escalate] }, streaming);
        await _services.GetRequiredService<IChatClient>().GetResponseAsync("next question");

        answer.Should().Be("done");
        _server.ChatModels().Should().Equal(Medium, Medium, Large);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failover_between_round_trips_neither_loses_nor_repeats_the_tool_result(bool streaming)
    {
        _server.Enqueue(Small, ScriptedReply.ToolCall("add", """{"a":20,"b":22}""", "call_42"))
               .Enqueue(Small, ScriptedReply.Status(503))
               .Enqueue(Backup, ScriptedReply.Text("It is 42."));

        string answer = await AskAsync(_services.GetRequiredService<IChatClient>(), new ChatOptions { Tools = [Add()] }.WithEffort(EffortLevel.Quick), streaming);

        answer.Should().Be("It is 42.");
        _additions.Should().Be(1);
        _server.ChatModels().Should().Equal(Small, Small, Backup);
        RecordedRequest failedOver = _server.ChatRequests()[2];
        failedOver.ToolCallIds().Should().Equal("call_42");
        failedOver.ToolResults().Should().Equal("42");
        failedOver.Body.Should().Be(_server.ChatRequests()[1].Body.Replace(Small, Backup, StringComparison.Ordinal));
    }

    private AIFunction Add() => AIFunctionFactory.Create((int a, int b) =>
    {
        Interlocked.Increment(ref _additions);
        return a + b;
    }, "add");

    private static async Task<string> AskAsync(IChatClient client, ChatOptions options, bool streaming)
    {
        if (!streaming)
        {
            return (await client.GetResponseAsync("What is the sum?", options)).Text;
        }

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("What is the sum?", options))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse().Text;
    }
}
