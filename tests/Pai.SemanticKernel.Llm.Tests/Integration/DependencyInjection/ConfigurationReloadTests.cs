using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection.TieredConfiguration;

namespace Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection;

/// <summary>
/// A configuration change reaches new requests without a restart; requests in flight finish on the router they started
/// on, which is disposed only after them.
/// </summary>
public sealed class ConfigurationReloadTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;
    private IConfigurationRoot _configuration = null!;
    private ServiceProvider _services = null!;
    private readonly FakeLoggerProvider _logs = new();

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        _configuration = TieredConfiguration.Build(_server.V1Endpoint);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logs));
        services.AddPaiEffortRouting(_configuration.GetSection("Pai:Llm"));
        _services = services.BuildServiceProvider();

        // Resolved now, as a host would at its first request: changes before the router exists are simply its start-up configuration.
        _ = Client;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    private IChatClient Client => _services.GetRequiredService<IChatClient>();

    private ReloadingRouterClient Reloading => _services.GetRequiredService<ReloadingRouterClient>();

    [Fact]
    public async Task New_requests_use_the_changed_configuration_without_a_restart()
    {
        await Client.GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));

        Change("Pai:Llm:Tiers:quick:Backends:0", "large");
        await Client.GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));
        await _services.GetRequiredKeyedService<IChatClient>("quick").GetResponseAsync("hello");

        _server.ChatModels().Should().Equal(Small, Large, Large);
        Client.GetService<ModelRouter>()!.GetChain(EffortLevel.Quick).Should().Equal("large", "backup");
    }

    [Fact]
    public async Task A_changed_default_effort_applies_to_requests_that_choose_none()
    {
        Change("Pai:Llm:DefaultEffort", "determined");

        await Client.GetResponseAsync("hello");

        _server.ChatModels().Should().Equal(Large);
    }

    [Fact]
    public async Task A_request_in_flight_finishes_on_its_router_which_is_disposed_after_it()
    {
        Change("Pai:Llm:Backends:small:MaxTokens", "100");
        RouterGeneration inFlightGeneration = Reloading.CurrentGeneration;
        _server.Enqueue(Small, ScriptedReply.Text("slow answer").After(TimeSpan.FromMilliseconds(700)));
        Task<ChatResponse> inFlight = Client.GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));
        await WaitForRequestsAsync(1);

        Change("Pai:Llm:Tiers:quick:Backends:0", "medium");
        bool disposedWhileInFlight = inFlightGeneration.IsDisposed;
        ChatResponse response = await inFlight;
        await Client.GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));

        disposedWhileInFlight.Should().BeFalse();
        response.Text.Should().Be("slow answer");
        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("small");
        inFlightGeneration.IsDisposed.Should().BeTrue();
        _server.ChatModels().Should().Equal(Small, Medium);
    }

    [Fact]
    public async Task A_stream_in_flight_is_not_disturbed_by_a_reload()
    {
        Change("Pai:Llm:Backends:small:MaxTokens", "100");
        RouterGeneration inFlightGeneration = Reloading.CurrentGeneration;
        _server.Enqueue(Small, ScriptedReply.Text("one two three four five six").WithChunks(6).WithChunkDelay(TimeSpan.FromMilliseconds(100)));
        var text = new List<string>();

        await foreach (ChatResponseUpdate update in Client.GetStreamingResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick)))
        {
            text.Add(update.Text);
            if (text.Count(t => t.Length > 0) == 2)
            {
                Change("Pai:Llm:Tiers:quick:Backends:0", "medium");
                inFlightGeneration.IsDisposed.Should().BeFalse();
            }
        }

        string.Concat(text).Should().Be("one two three four five six");
        inFlightGeneration.IsDisposed.Should().BeTrue();
        await Client.GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));
        _server.ChatModels().Should().Equal(Small, Medium);
    }

    [Fact]
    public async Task The_start_up_router_stays_usable_for_code_that_injected_it()
    {
        ModelRouter startup = _services.GetRequiredService<ModelRouter>();

        Change("Pai:Llm:Tiers:quick:Backends:0", "large");
        Change("Pai:Llm:Tiers:quick:Backends:0", "medium");
        await startup.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], new ChatOptions().WithEffort(EffortLevel.Quick));

        _server.ChatModels().Should().Equal(Small);
        Client.GetService<ModelRouter>().Should().NotBeSameAs(startup);
    }

    [Fact]
    public async Task SetEffort_on_the_start_up_router_still_applies_after_a_reload()
    {
        _services.GetRequiredService<ModelRouter>().SetEffort(EffortLevel.Quick);

        Change("Pai:Llm:Tiers:quick:Backends:0", "large");
        await Client.GetResponseAsync("hello");

        _server.ChatModels().Should().Equal(Large);
    }

    [Theory]
    [InlineData("Pai:Llm:Tiers:quick:Backends:0", "nowhere", "Pai:Llm:Tiers:quick:Backends:0 names backend 'nowhere'")]
    [InlineData("Pai:Llm:Backends:small:MaxTokenz", "10", "Pai:Llm:Backends:small:MaxTokenz is not a known setting")]
    [InlineData("Pai:Llm:Backends:small:Endpoint", "ftp://user:sk-SECRET-0123@vllm/v1", "Pai:Llm:Backends:small:Endpoint 'ftp://***@vllm/v1'")]
    public async Task An_invalid_change_is_logged_naming_the_setting_and_the_previous_routing_stays(string key, string value, string expected)
    {
        ModelRouter before = Client.GetService<ModelRouter>()!;

        Change(key, value);
        await Client.GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));

        FakeLogRecord rejected = _logs.Collector.GetSnapshot().Should().ContainSingle(r => r.Level == LogLevel.Error).Subject;
        rejected.Message.Should().Contain("not applied").And.Contain(expected).And.NotContain("sk-SECRET-0123");
        Client.GetService<ModelRouter>().Should().BeSameAs(before);
        _server.ChatModels().Should().Equal(Small);
    }

    [Fact]
    public async Task A_valid_change_after_an_invalid_one_is_applied()
    {
        Change("Pai:Llm:Tiers:quick:Backends:0", "nowhere");
        Change("Pai:Llm:Tiers:quick:Backends:0", "large");

        await Client.GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));

        _server.ChatModels().Should().Equal(Large);
        _logs.Collector.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Information && r.Message.Contains("new requests use the new routing"));
    }

    private void Change(string key, string value)
    {
        _configuration[key] = value;
        _configuration.Reload();
    }

    private async Task WaitForRequestsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_server.CountRequests() < count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
