using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;
using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Inference;

/// <summary>The embedded backend as the last member of a tier's chain, behind a server that is down.</summary>
public sealed class ChainTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dead_server_fails_over_to_the_embedded_backend(bool streaming)
    {
        using ModelRouter router = DeadServerThenEmbedded();

        string text;
        object? backend;
        if (streaming)
        {
            List<ChatResponseUpdate> updates = [];
            await foreach (ChatResponseUpdate update in router.GetStreamingResponseAsync(TestModel.Prompt()))
            {
                updates.Add(update);
            }

            text = string.Concat(updates.Select(u => u.Text));
            backend = updates[0].AdditionalProperties?[PaiPropertyNames.Backend];
            updates[^1].FinishReason.Should().NotBeNull();
        }
        else
        {
            ChatResponse response = await router.GetResponseAsync(TestModel.Prompt());
            text = response.Text;
            backend = response.AdditionalProperties?[PaiPropertyNames.Backend];
        }

        text.Should().NotBeNullOrWhiteSpace();
        backend.Should().Be("local");
    }

    [Fact]
    public async Task The_chain_of_every_tier_ends_with_the_embedded_backend()
    {
        using ModelRouter router = DeadServerThenEmbedded();

        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            router.GetChain(effort).Should().Equal("server", "local");
        }

        (await router.GetResponseAsync(TestModel.Prompt(), new ChatOptions().WithEffort(EffortLevel.Determined)))
            .AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(EffortLevel.Determined);
    }

    [Fact]
    public async Task A_model_that_cannot_load_fails_over_like_a_server_that_is_down()
    {
        using var directory = new TempDirectory();
        var options = new PaiLlmOptions();
        options.Backends["broken"] = TestModel.Backend(b => b.ModelPath = directory.File("missing.gguf"));
        options.Backends["local"] = TestModel.Backend();
        options.Tier(EffortLevel.Standard).Backends.Add("broken");
        options.Tier(EffortLevel.Standard).Backends.Add("local");
        using var router = new ModelRouter(options, new ModelRouterServices().WithEmbedded(new EmbeddedProviderOptions { CheckModelFileOnBuild = false }));

        ChatResponse response = await router.GetResponseAsync(TestModel.Prompt());

        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("local");
    }

    private static ModelRouter DeadServerThenEmbedded()
    {
        var options = new PaiLlmOptions();
        options.Backends["server"] = new BackendOptions { Endpoint = ScriptedOpenAIServer.RefusedEndpoint(), Model = "Qwen/Qwen2.5-7B-Instruct" };
        options.Backends["local"] = TestModel.Backend();
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            options.Tier(effort).Backends.Add("server");
            options.Tier(effort).Backends.Add("local");
        }

        return new ModelRouter(options, new ModelRouterServices().WithEmbedded());
    }
}
