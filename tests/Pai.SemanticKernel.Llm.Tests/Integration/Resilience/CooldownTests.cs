using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Resilience;

/// <summary>Cooldown, Retry-After, the degradation ladder and the request deadline, over real HTTP.</summary>
public sealed class CooldownTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        _server.Always(Secondary, ScriptedReply.Text("from b"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_dead_primary_is_skipped_during_its_cooldown_then_gets_exactly_one_trial()
    {
        _server.Always(Primary, ScriptedReply.Status(503));
        using ModelRouter router = Router();

        for (int i = 0; i < 3; i++)
        {
            (await router.GetResponseAsync(Hello())).Text.Should().Be("from b");
        }

        _server.CountRequests(Primary).Should().Be(3, "three consecutive failures open the cooldown");

        for (int i = 0; i < 5; i++)
        {
            (await router.GetResponseAsync(Hello())).Text.Should().Be("from b");
        }

        _server.CountRequests(Primary).Should().Be(3, "during the cooldown the primary receives no requests");

        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => router.GetResponseAsync(Hello())));

        _server.CountRequests(Primary).Should().Be(4, "after the cooldown exactly one trial reaches it, however many requests arrive");

        for (int i = 0; i < 5; i++)
        {
            await router.GetResponseAsync(Hello());
        }

        _server.CountRequests(Primary).Should().Be(4, "the failed trial started a longer cooldown");
    }

    [Fact]
    public async Task A_successful_trial_brings_the_backend_back()
    {
        _server.Always(Primary, ScriptedReply.Status(503));
        using ModelRouter router = Router();
        for (int i = 0; i < 3; i++)
        {
            await router.GetResponseAsync(Hello());
        }

        _server.Always(Primary, ScriptedReply.Text("from a"));
        _time.Advance(TimeSpan.FromSeconds(5));

        (await router.GetResponseAsync(Hello())).Text.Should().Be("from a");
        (await router.GetResponseAsync(Hello())).Text.Should().Be("from a");
    }

    [Fact]
    public async Task A_429_with_retry_after_opens_the_cooldown_at_once_for_that_long()
    {
        _server.Always(Primary, ScriptedReply.Status(429).WithRetryAfter(TimeSpan.FromSeconds(20)));
        using ModelRouter router = Router();

        await router.GetResponseAsync(Hello());
        await router.GetResponseAsync(Hello());
        _time.Advance(TimeSpan.FromSeconds(19));
        await router.GetResponseAsync(Hello());

        _server.CountRequests(Primary).Should().Be(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        await router.GetResponseAsync(Hello());
        _server.CountRequests(Primary).Should().Be(2);
    }

    [Fact]
    public async Task When_every_backend_is_cooling_the_least_recently_failed_one_is_still_tried()
    {
        _server.Always(Primary, ScriptedReply.Status(503));
        _server.Always(Secondary, ScriptedReply.Status(503));
        using ModelRouter router = Router();
        for (int i = 0; i < 3; i++)
        {
            await router.Invoking(r => r.GetResponseAsync(Hello())).Should().ThrowAsync<AllBackendsFailedException>();
        }

        _server.Always(Primary, ScriptedReply.Text("from a"));
        _server.Always(Secondary, ScriptedReply.Text("from b"));

        ChatResponse response = await router.GetResponseAsync(Hello());

        response.Text.Should().Be("from a", "a failed before b in the last round, so it failed longest ago");
        (_server.CountRequests(Primary), _server.CountRequests(Secondary)).Should().Be((4, 3));
    }

    [Fact]
    public async Task A_short_retry_after_is_waited_out_once_on_the_same_backend()
    {
        _server.Enqueue(Primary, ScriptedReply.Status(429).WithRetryAfter(TimeSpan.FromSeconds(1)));
        _server.Always(Primary, ScriptedReply.Text("from a"));
        using ModelRouter router = TwoBackends(_server, b => b.MaxRetryAfter = TimeSpan.FromSeconds(2));

        ChatResponse response = await router.GetResponseAsync(Hello()).WaitAsync(TimeSpan.FromSeconds(30));

        response.Text.Should().Be("from a");
        (_server.CountRequests(Primary), _server.CountRequests(Secondary)).Should().Be((2, 0));
    }

    [Fact]
    public async Task A_retry_after_longer_than_allowed_fails_over_at_once()
    {
        _server.Always(Primary, ScriptedReply.Status(429).WithRetryAfter(TimeSpan.FromSeconds(3)));
        using ModelRouter router = TwoBackends(_server, b => b.MaxRetryAfter = TimeSpan.FromSeconds(2));

        ChatResponse response = await router.GetResponseAsync(Hello());

        response.Text.Should().Be("from b");
        _server.CountRequests(Primary).Should().Be(1);
    }

    [Fact]
    public async Task The_ladder_moves_a_failed_tier_down_before_the_cloud_fallback_and_says_which_effort_served()
    {
        _server.Always("big", ScriptedReply.Status(503));
        _server.Always("medium", ScriptedReply.Text("from medium"));
        var options = new PaiLlmOptions();
        options.Backends["big"] = Backend(_server.V1Endpoint, "big");
        options.Backends["medium"] = Backend(_server.V1Endpoint, "medium");
        options.Backends["cloud"] = Backend(_server.V1Endpoint, "cloud");
        options.Tier(EffortLevel.Determined).Backends.Add("big");
        options.Tier(EffortLevel.Determined).DegradeToLowerTiers = true;
        options.Tier(EffortLevel.Standard).Backends.Add("medium");
        options.Fallback.Add("cloud");
        using var router = new ModelRouter(options);

        ChatResponse response = await router.GetResponseAsync(Hello(), new ChatOptions().WithEffort(EffortLevel.Determined));
        (List<ChatResponseUpdate> updates, _) = await StreamAsync(router, new ChatOptions().WithEffort(EffortLevel.Determined));

        router.GetChain(EffortLevel.Determined).Should().Equal("big", "medium", "cloud");
        response.Text.Should().Be("from medium");
        response.AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(EffortLevel.Standard);
        updates[0].AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(EffortLevel.Standard);
        _server.CountRequests("cloud").Should().Be(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_request_deadline_bounds_all_attempts_together(bool streaming)
    {
        _server.Always(Primary, ScriptedReply.Hang());
        _server.Always(Secondary, ScriptedReply.Hang());
        using ModelRouter router = TwoBackends(_server, b => b.FirstTokenTimeout = TimeSpan.FromSeconds(60), options: o => o.RequestTimeout = TimeSpan.FromSeconds(2));

        Outcome outcome = await RunAsync(router, streaming).WaitAsync(TimeSpan.FromSeconds(20));

        AllBackendsFailedException error = outcome.Error.Should().BeOfType<AllBackendsFailedException>().Which;
        error.Message.Should().Contain("RequestTimeout");
        error.Attempts.Should().ContainSingle("the first attempt used up the whole deadline, so no second attempt started")
            .Which.Reason.Should().Be("timeout");
    }

    private ModelRouter Router() =>
        new(Options(), new ModelRouterServices { TimeProvider = _time });

    private PaiLlmOptions Options()
    {
        var options = new PaiLlmOptions();
        options.Backends["a"] = Backend(_server.V1Endpoint, Primary);
        options.Backends["b"] = Backend(_server.V1Endpoint, Secondary);
        options.Tier(EffortLevel.Standard).Backends.Add("a");
        options.Tier(EffortLevel.Standard).Backends.Add("b");
        return options;
    }
}
