using System.Text.Json;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Tests.Fakes;

namespace Pai.SemanticKernel.Llm.Tests.Unit;

public sealed class EffortTests
{
    [Fact]
    public void The_fast_check_of_a_level_agrees_with_the_enum_whatever_levels_it_has()
    {
        for (int value = -2; value < 8; value++)
        {
            EffortParser.IsLevel((EffortLevel)value).Should().Be(Enum.IsDefined((EffortLevel)value), $"value {value}");
        }
    }

    [Fact]
    public void WithEffort_stores_the_level_under_the_public_key_and_returns_the_same_options()
    {
        var options = new ChatOptions();

        ChatOptions returned = options.WithEffort(EffortLevel.Quick);

        returned.Should().BeSameAs(options);
        options.AdditionalProperties![PaiPropertyNames.Effort].Should().Be(EffortLevel.Quick);
        PaiPropertyNames.Effort.Should().Be("effort");
        options.GetEffort().Should().Be(EffortLevel.Quick);
    }

    [Theory]
    [InlineData("quick", EffortLevel.Quick)]
    [InlineData("QUICK", EffortLevel.Quick)]
    [InlineData("Standard", EffortLevel.Standard)]
    [InlineData(" determined ", EffortLevel.Determined)]
    public void GetEffort_reads_names_in_any_case(string value, EffortLevel expected)
    {
        var options = new ChatOptions { AdditionalProperties = new() { [PaiPropertyNames.Effort] = value } };

        options.GetEffort().Should().Be(expected);
    }

    [Fact]
    public void GetEffort_reads_a_json_string_as_semantic_kernel_may_deliver_it()
    {
        var options = new ChatOptions { AdditionalProperties = new() { [PaiPropertyNames.Effort] = JsonSerializer.SerializeToElement("determined") } };

        options.GetEffort().Should().Be(EffortLevel.Determined);
    }

    [Fact]
    public void GetEffort_is_null_without_options_or_key()
    {
        ((ChatOptions?)null).GetEffort().Should().BeNull();
        new ChatOptions().GetEffort().Should().BeNull();
    }

    [Theory]
    [InlineData("fast", "'fast'")]
    [InlineData(42, "'42'")]
    [InlineData("2", "'2'")]
    public void GetEffort_rejects_unknown_values_naming_the_value_and_the_allowed_ones(object value, string named)
    {
        var options = new ChatOptions { AdditionalProperties = new() { [PaiPropertyNames.Effort] = value } };

        Action read = () => options.GetEffort();

        read.Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain(named).And.Contain("quick, standard, determined");
    }

    [Fact]
    public void WithEffort_rejects_an_undefined_level()
    {
        Action set = () => new ChatOptions().WithEffort((EffortLevel)7);

        set.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("effort");
    }

    [Fact]
    public async Task Request_effort_wins_over_current_and_default()
    {
        (EffortRoutingChatClient router, FakeChatClient quick, FakeChatClient standard, FakeChatClient determined) = Router(EffortLevel.Standard);
        router.CurrentEffort = EffortLevel.Determined;

        await router.GetResponseAsync(Chains.Hello(), new ChatOptions().WithEffort(EffortLevel.Quick));

        (quick.Calls, standard.Calls, determined.Calls).Should().Be((1, 0, 0));
    }

    [Fact]
    public async Task Current_effort_wins_over_default_when_the_request_sets_none()
    {
        (EffortRoutingChatClient router, FakeChatClient quick, FakeChatClient standard, FakeChatClient determined) = Router(EffortLevel.Standard);
        router.CurrentEffort = EffortLevel.Determined;

        await router.GetResponseAsync(Chains.Hello());
        await router.GetResponseAsync(Chains.Hello(), new ChatOptions());

        (quick.Calls, standard.Calls, determined.Calls).Should().Be((0, 0, 2));
    }

    [Fact]
    public async Task Default_effort_applies_when_neither_request_nor_router_chose_one()
    {
        (EffortRoutingChatClient router, FakeChatClient quick, FakeChatClient standard, FakeChatClient determined) = Router(EffortLevel.Quick);

        await router.GetResponseAsync(Chains.Hello());
        router.CurrentEffort = EffortLevel.Determined;
        router.CurrentEffort = null;
        await foreach (ChatResponseUpdate _ in router.GetStreamingResponseAsync(Chains.Hello()))
        {
        }

        (quick.Calls, standard.Calls, determined.Calls).Should().Be((2, 0, 0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unknown_effort_throws_before_any_backend_is_called(bool streaming)
    {
        (EffortRoutingChatClient router, FakeChatClient quick, FakeChatClient standard, FakeChatClient determined) = Router(EffortLevel.Standard);
        var options = new ChatOptions { AdditionalProperties = new() { [PaiPropertyNames.Effort] = "fast" } };

        Func<Task> call = streaming
            ? async () => { await foreach (ChatResponseUpdate _ in router.GetStreamingResponseAsync(Chains.Hello(), options)) { } }
            : () => router.GetResponseAsync(Chains.Hello(), options);

        (await call.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("'fast'").And.Contain("quick, standard, determined");
        (quick.Calls + standard.Calls + determined.Calls).Should().Be(0);
    }

    [Fact]
    public async Task The_callers_options_are_never_modified()
    {
        (EffortRoutingChatClient router, FakeChatClient quick, _, _) = Router(EffortLevel.Standard);
        var options = new ChatOptions { Temperature = 0.2f, AdditionalProperties = new() { [PaiPropertyNames.Effort] = "QUICK", ["other"] = 1 } };

        await router.GetResponseAsync(Chains.Hello(), options);

        options.AdditionalProperties.Should().HaveCount(2);
        options.AdditionalProperties[PaiPropertyNames.Effort].Should().Be("QUICK");
        quick.ReceivedOptions.Single().Should().NotBeSameAs(options);
    }

    [Fact]
    public void Router_answers_chat_client_metadata_as_semantic_kernel_requires()
    {
        (EffortRoutingChatClient router, _, _, _) = Router(EffortLevel.Standard);

        router.GetService<ChatClientMetadata>().Should().NotBeNull();
    }

    private static (EffortRoutingChatClient, FakeChatClient, FakeChatClient, FakeChatClient) Router(EffortLevel defaultEffort)
    {
        var quick = new FakeChatClient("quick");
        var standard = new FakeChatClient("standard");
        var determined = new FakeChatClient("determined");
        var router = new EffortRoutingChatClient(
            new Dictionary<EffortLevel, IChatClient> { [EffortLevel.Quick] = quick, [EffortLevel.Standard] = standard, [EffortLevel.Determined] = determined },
            defaultEffort);
        return (router, quick, standard, determined);
    }
}
