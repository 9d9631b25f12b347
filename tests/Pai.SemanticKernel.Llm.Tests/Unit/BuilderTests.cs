using System.Net;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Tests.Fakes;

namespace Pai.SemanticKernel.Llm.Tests.Unit;

/// <summary>The ChatClientBuilder extensions compose the middleware in the Microsoft.Extensions.AI style.</summary>
public sealed class BuilderTests
{
    [Fact]
    public async Task UseEffortRouting_sends_efforts_with_a_client_there_and_the_rest_to_the_inner_client()
    {
        var small = new FakeChatClient("small");
        var big = new FakeChatClient("big");
        IChatClient client = new ChatClientBuilder(small)
            .UseEffortRouting(new Dictionary<EffortLevel, IChatClient> { [EffortLevel.Determined] = big })
            .Build();

        await client.GetResponseAsync(Chains.Hello(), new ChatOptions().WithEffort(EffortLevel.Determined));
        await client.GetResponseAsync(Chains.Hello(), new ChatOptions().WithEffort(EffortLevel.Quick));
        await client.GetResponseAsync(Chains.Hello());

        (small.Calls, big.Calls).Should().Be((2, 1));
        client.GetService<ChatClientMetadata>().Should().NotBeNull();
    }

    [Fact]
    public async Task UseFallback_tries_the_inner_client_first_then_the_fallbacks_in_order()
    {
        var primary = FakeChatClient.Failing("p", new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable));
        var first = FakeChatClient.Failing("f1", new HttpRequestException("down", null, HttpStatusCode.BadGateway));
        var second = new FakeChatClient("f2");
        IChatClient client = new ChatClientBuilder(primary).UseFallback(first, second).Build();

        ChatResponse response = await client.GetResponseAsync(Chains.Hello());

        response.Text.Should().Be("f2 says hi");
        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("fallback-2");
        (primary.Calls, first.Calls, second.Calls).Should().Be((1, 1, 1));
    }

    [Fact]
    public async Task Effort_routing_over_named_fallback_chains_reports_backend_and_effort()
    {
        var local = FakeChatClient.Failing("local", new HttpRequestException("refused"));
        var cloud = new FakeChatClient("cloud");
        IChatClient client = new ChatClientBuilder(local)
            .UseEffortRouting(defaultEffort: EffortLevel.Quick)
            .UseFallback([KeyValuePair.Create("cloud", (IChatClient)cloud)], primaryName: "local")
            .Build();

        ChatResponse response = await client.GetResponseAsync(Chains.Hello());

        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("cloud");
        response.AdditionalProperties[PaiPropertyNames.ServedEffort].Should().Be(EffortLevel.Quick);
        cloud.ReceivedOptions.Single()!.AdditionalProperties.Should().BeNull("the effort key is consumed by the router, never passed to a backend");
    }
}
