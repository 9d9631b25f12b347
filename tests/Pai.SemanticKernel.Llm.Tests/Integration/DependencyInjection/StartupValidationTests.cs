using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection;

/// <summary>A bad configuration stops the host at start-up, with a message naming the setting, before any request.</summary>
public sealed class StartupValidationTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("Pai:Llm:Backends:small:Endpoint", "not-a-uri", "Pai:Llm:Backends:small:Endpoint 'not-a-uri'")]
    [InlineData("Pai:Llm:Tiers:quick:Backends:0", "nowhere", "Pai:Llm:Tiers:quick:Backends:0 names backend 'nowhere'")]
    [InlineData("Pai:Llm:Backends:small:MaxTokens", "lots", "Pai:Llm:Backends:small:MaxTokens")]
    [InlineData("Pai:Llm:Backends:small:Modle", "typo", "Pai:Llm:Backends:small:Modle")]
    [InlineData("Pai:Llm:DefaultEffort", "turbo", "Pai:Llm:DefaultEffort")]
    public async Task A_bad_setting_stops_the_host_with_a_message_naming_it(string key, string value, string expected)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TieredConfiguration.Settings(_server.V1Endpoint));
        builder.Configuration[key] = value;
        builder.Services.AddPaiEffortRouting(builder.Configuration.GetSection("Pai:Llm"));
        using IHost host = builder.Build();

        Func<Task> start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(expected);
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_bad_setting_is_reported_at_once()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPaiEffortRouting(options =>
        {
            options.Backends["local"] = new BackendOptions { Endpoint = new Uri("ftp://example/v1"), Model = "" };
            options.Tier(EffortLevel.Standard).Backends.Add("local");
            options.RequestTimeout = TimeSpan.Zero;
        });
        using IHost host = builder.Build();

        Func<Task> start = () => host.StartAsync();

        OptionsValidationException error = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Failures.Should().HaveCount(3);
        error.Message.Should().Contain("Pai:Llm:Backends:local:Endpoint 'ftp://example/v1'")
            .And.Contain("Pai:Llm:Backends:local:Model is empty")
            .And.Contain("Pai:Llm:RequestTimeout '00:00:00'");
    }

    [Fact]
    public async Task Model_validation_on_start_stops_the_host_when_a_backend_does_not_serve_its_model()
    {
        _server.ServeModels("some-other-model");
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TieredConfiguration.Settings(_server.V1Endpoint));
        builder.Configuration["Pai:Llm:Health:ValidateModelsOnStart"] = "Fail";
        builder.Services.AddPaiEffortRouting(builder.Configuration.GetSection("Pai:Llm"));
        using IHost host = builder.Build();

        Func<Task> start = () => host.StartAsync();

        ModelValidationException error = (await start.Should().ThrowAsync<ModelValidationException>()).Which;
        error.Message.Should().Contain("small");
        _server.Requests.Should().OnlyContain(r => r.Path == ScriptedOpenAIServer.ModelsPath, "validation only lists models");
    }

    [Fact]
    public async Task A_valid_configuration_starts_the_host_and_sends_nothing()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TieredConfiguration.Settings(_server.V1Endpoint));
        builder.Services.AddPaiEffortRouting(builder.Configuration.GetSection("Pai:Llm"));
        using IHost host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public void Without_a_host_the_first_resolution_throws_the_same_message()
    {
        IConfigurationRoot configuration = TieredConfiguration.Build(_server.V1Endpoint, s => s["Pai:Llm:Backends:large:Model"] = " ");
        var services = new ServiceCollection();
        services.AddPaiEffortRouting(configuration.GetSection("Pai:Llm"));
        using ServiceProvider provider = services.BuildServiceProvider();

        Action resolve = () => provider.GetRequiredService<IChatClient>();

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Pai:Llm:Backends:large:Model is empty");
    }

    [Fact]
    public void A_secret_never_appears_in_the_validation_message()
    {
        const string secret = "sk-SECRET-do-not-print-0123";
        IConfigurationRoot configuration = TieredConfiguration.Build(_server.V1Endpoint, s =>
        {
            s["Pai:Llm:Backends:small:ApiKey"] = secret;
            s["Pai:Llm:Backends:small:Endpoint"] = $"ftp://user:{secret}@vllm:8000/v1";
        });
        var services = new ServiceCollection();
        services.AddPaiEffortRouting(configuration.GetSection("Pai:Llm"));
        using ServiceProvider provider = services.BuildServiceProvider();

        Action resolve = () => provider.GetRequiredService<IChatClient>();

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().NotContain(secret).And.Contain("Pai:Llm:Backends:small:Endpoint");
    }
}
