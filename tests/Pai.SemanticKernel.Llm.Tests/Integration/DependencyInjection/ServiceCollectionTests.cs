using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection.TieredConfiguration;

namespace Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection;

/// <summary>What <c>services.AddPaiEffortRouting(...)</c> registers, exercised over HTTP against the scripted server.</summary>
public sealed class ServiceCollectionTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(EffortLevel.Quick)]
    [InlineData(EffortLevel.Standard)]
    [InlineData(EffortLevel.Determined)]
    public async Task The_injected_client_sends_each_effort_to_its_tiers_model(EffortLevel effort)
    {
        await using ServiceProvider services = Services();
        IChatClient client = services.GetRequiredService<IChatClient>();

        ChatResponse response = await client.GetResponseAsync("hello", new ChatOptions().WithEffort(effort));
        await foreach (ChatResponseUpdate _ in client.GetStreamingResponseAsync("hello", new ChatOptions { AdditionalProperties = new() { ["effort"] = EffortParser.ToName(effort) } }))
        {
        }

        response.AdditionalProperties![PaiPropertyNames.ServedEffort].Should().Be(effort);
        _server.ChatModels().Should().Equal(ModelOf(effort), ModelOf(effort));
    }

    [Fact]
    public async Task A_request_without_effort_goes_to_the_configured_default_tier()
    {
        await using ServiceProvider services = Services(settings => settings["Pai:Llm:DefaultEffort"] = "quick");

        await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        _server.ChatModels().Should().Equal(Small);
    }

    [Theory]
    [InlineData("quick", Small)]
    [InlineData("standard", Medium)]
    [InlineData("determined", Large)]
    public async Task Keyed_clients_are_pinned_to_their_tier_whatever_effort_the_request_carries(string key, string model)
    {
        await using ServiceProvider services = Services();
        IChatClient client = services.GetRequiredKeyedService<IChatClient>(key);

        await client.GetResponseAsync("hello", new ChatOptions().WithEffort(key == "quick" ? EffortLevel.Determined : EffortLevel.Quick));
        await foreach (ChatResponseUpdate _ in client.GetStreamingResponseAsync("hello"))
        {
        }

        _server.ChatModels().Should().Equal(model, model);
    }

    [Fact]
    public async Task A_bad_effort_is_refused_before_any_backend_is_called()
    {
        await using ServiceProvider services = Services();
        IChatClient client = services.GetRequiredService<IChatClient>();
        var options = new ChatOptions { AdditionalProperties = new() { ["effort"] = "turbo" } };

        Func<Task> call = () => client.GetResponseAsync("hello", options);
        Func<Task> stream = async () =>
        {
            await foreach (ChatResponseUpdate _ in client.GetStreamingResponseAsync("hello", options))
            {
            }
        };

        (await call.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("'turbo'").And.Contain("quick, standard, determined");
        (await stream.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("'turbo'");
        _server.CountRequests().Should().Be(0);
    }

    [Fact]
    public async Task The_ModelRouter_is_registered_and_is_the_router_behind_the_client()
    {
        await using ServiceProvider services = Services();

        ModelRouter router = services.GetRequiredService<ModelRouter>();

        router.GetChain(EffortLevel.Determined).Should().Equal("large", "backup");
        services.GetRequiredService<IChatClient>().GetService<ModelRouter>().Should().BeSameAs(router);
        services.GetRequiredKeyedService<IChatClient>("quick").GetService<ModelRouter>().Should().BeSameAs(router);
    }

    [Fact]
    public async Task SetEffort_on_the_registered_router_routes_requests_that_choose_no_effort()
    {
        await using ServiceProvider services = Services();

        services.GetRequiredService<ModelRouter>().SetEffort(EffortLevel.Determined);
        await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");
        await services.GetRequiredService<IChatClient>().GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));

        _server.ChatModels().Should().Equal(Large, Small);
    }

    [Fact]
    public async Task The_returned_builder_adds_middleware_to_the_unkeyed_and_the_keyed_clients()
    {
        int calls = 0;
        await using ServiceProvider services = Services(pipeline: builder => builder.Use(async (messages, options, next, cancellationToken) =>
        {
            Interlocked.Increment(ref calls);
            await next(messages, options, cancellationToken);
        }));

        await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");
        await services.GetRequiredKeyedService<IChatClient>("quick").GetResponseAsync("hello");

        calls.Should().Be(2);
        _server.ChatModels().Should().Equal(Medium, Small);
    }

    [Fact]
    public async Task Backend_http_clients_come_from_the_factory_so_handlers_can_be_added()
    {
        await using ServiceProvider services = Services(more: collection => collection
            .AddHttpClient(ModelRouterServices.HttpClientName("small"))
            .AddHttpMessageHandler(() => new HeaderHandler("X-Pai-Test", "small-handler")));

        await services.GetRequiredService<IChatClient>().GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));
        await services.GetRequiredService<IChatClient>().GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Standard));

        List<RecordedRequest> requests = _server.ChatRequests();
        requests[0].Headers.Should().Contain("X-Pai-Test", "small-handler");
        requests[1].Headers.Should().NotContainKey("X-Pai-Test");
    }

    [Fact]
    public async Task Each_backends_primary_handler_has_its_connect_timeout()
    {
        await using ServiceProvider services = Services(settings => settings["Pai:Llm:Backends:small:ConnectTimeout"] = "00:00:03");
        _ = services.GetRequiredService<IChatClient>();
        var handlers = services.GetRequiredService<IHttpMessageHandlerFactory>();

        PrimaryHandler(handlers.CreateHandler(ModelRouterServices.HttpClientName("small"))).ConnectTimeout.Should().Be(TimeSpan.FromSeconds(3));
        PrimaryHandler(handlers.CreateHandler(ModelRouterServices.HttpClientName("medium"))).ConnectTimeout.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_sdk_does_not_retry_a_failing_backend_the_router_fails_over_once()
    {
        _server.Enqueue(Small, ScriptedReply.Status(503)).Enqueue(Small, ScriptedReply.Status(503));
        await using ServiceProvider services = Services();

        ChatResponse response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));

        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("backup");
        _server.ChatModels().Should().Equal(Small, Backup);
    }

    [Fact]
    public async Task Options_in_code_and_a_fixed_options_instance_configure_the_same_routing()
    {
        var fixedOptions = new ServiceCollection();
        PaiLlmOptions options = Options(_server.V1Endpoint);
        fixedOptions.AddPaiEffortRouting(options);
        options.Tier(EffortLevel.Quick).Backends[0] = "large"; // copied at registration: no effect
        var inCode = new ServiceCollection();
        inCode.AddPaiEffortRouting(o =>
        {
            o.Backends["only"] = new BackendOptions { Endpoint = _server.V1Endpoint, Model = "model-only" };
            o.Tier(EffortLevel.Standard).Backends.Add("only");
        });

        await using (ServiceProvider services = fixedOptions.BuildServiceProvider())
        {
            await services.GetRequiredService<IChatClient>().GetResponseAsync("hello", new ChatOptions().WithEffort(EffortLevel.Quick));
        }

        await using (ServiceProvider services = inCode.BuildServiceProvider())
        {
            await services.GetRequiredKeyedService<IChatClient>("determined").GetResponseAsync("hello");
        }

        _server.ChatModels().Should().Equal(Small, "model-only");
    }

    [Fact]
    public async Task Backend_providers_registered_in_the_container_are_known_to_validation_and_routing()
    {
        var inMemory = new InMemoryProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IChatBackendProvider>(inMemory);
        services.AddPaiEffortRouting(options =>
        {
            options.Backends["local"] = new BackendOptions { Provider = "in-memory", Model = "tiny" };
            options.Tier(EffortLevel.Standard).Backends.Add("local");
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        ChatResponse response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("local says hi");
        inMemory.Client.Calls.Should().Be(1);
    }

    [Fact]
    public void Registering_twice_is_refused_with_a_clear_message()
    {
        var services = new ServiceCollection();
        services.AddPaiEffortRouting(TieredConfiguration.Build(_server.V1Endpoint).GetSection("Pai:Llm"));

        Action again = () => services.AddPaiEffortRouting(o => { });

        again.Should().Throw<InvalidOperationException>().WithMessage("*already been called*");
    }

    [Fact]
    public async Task Disposing_the_container_disposes_the_pipeline_without_errors()
    {
        ServiceProvider services = Services();
        _ = services.GetRequiredService<IChatClient>();
        _ = services.GetRequiredKeyedService<IChatClient>("quick");
        _ = services.GetRequiredService<ModelRouter>();

        Func<Task> dispose = async () => await services.DisposeAsync();

        await dispose.Should().NotThrowAsync();
    }

    private ServiceProvider Services(
        Action<Dictionary<string, string?>>? settings = null,
        Action<ChatClientBuilder>? pipeline = null,
        Action<IServiceCollection>? more = null)
    {
        IConfigurationRoot configuration = TieredConfiguration.Build(_server.V1Endpoint, settings);
        var services = new ServiceCollection();
        ChatClientBuilder builder = services.AddPaiEffortRouting(configuration.GetSection("Pai:Llm"));
        pipeline?.Invoke(builder);
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static SocketsHttpHandler PrimaryHandler(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        return handler.Should().BeOfType<SocketsHttpHandler>().Subject;
    }

    private sealed class InMemoryProvider : IChatBackendProvider
    {
        public Fakes.FakeChatClient Client { get; } = new("local");

        public string Name => "in-memory";

        public void Validate(string path, BackendOptions options, ICollection<string> errors)
        {
        }

        public IChatClient CreateClient(BackendContext context) => Client;

        public Task<BackendHealthReport> CheckHealthAsync(BackendContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new BackendHealthReport(context.Name, Name, null, context.Model, true, true, TimeSpan.Zero, null));
    }

    private sealed class HeaderHandler(string name, string value) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation(name, value);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
