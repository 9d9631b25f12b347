using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Observability;

/// <summary>Start-up model validation: each backend's configured model against its <c>/v1/models</c> list.</summary>
public sealed class ModelValidationTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Warn_logs_a_warning_naming_the_backend_and_the_model_it_does_not_serve()
    {
        _server.ServeModels(Secondary, "served-instead");
        using Observed observed = Validating(ModelValidationMode.Warn);

        IReadOnlyList<BackendHealthReport> failed = await observed.Router.ValidateModelsAsync();

        failed.Should().ContainSingle().Which.Backend.Should().Be("a");
        FakeLogRecord warning = observed.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 11).Subject;
        warning.Level.Should().Be(LogLevel.Warning);
        warning.GetStructuredStateValue("Backend").Should().Be("a");
        warning.GetStructuredStateValue("Model").Should().Be(Primary);
        warning.Message.Should().Contain($"lists {Secondary}, served-instead");
    }

    [Fact]
    public async Task Fail_throws_naming_each_backend_and_model_without_secrets()
    {
        _server.ServeModels("served-instead");
        using Observed observed = Validating(ModelValidationMode.Fail);

        Func<Task> act = () => observed.Router.ValidateModelsAsync();

        ModelValidationException error = (await act.Should().ThrowAsync<ModelValidationException>()).Which;
        error.Backends.Select(b => b.Backend).Should().Equal("a", "b");
        error.Message.Should().Contain($"backend 'a': model '{Primary}' is not listed")
            .And.Contain($"backend 'b': model '{Secondary}' is not listed")
            .And.Contain("'served-instead'")
            .And.NotContain(Observed.ApiKey);
    }

    [Fact]
    public async Task An_unreachable_backend_is_a_warning_even_when_validation_fails_on_mismatch()
    {
        _server.ServeModels(Secondary);
        using Observed observed = Validating(ModelValidationMode.Fail, primaryEndpoint: ScriptedOpenAIServer.RefusedEndpoint());

        IReadOnlyList<BackendHealthReport> failed = await observed.Router.ValidateModelsAsync();

        failed.Should().ContainSingle().Which.Reachable.Should().BeFalse();
        FakeLogRecord warning = observed.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 12).Subject;
        warning.Level.Should().Be(LogLevel.Warning);
        warning.GetStructuredStateValue("Backend").Should().Be("a");
    }

    [Fact]
    public async Task All_models_served_passes_quietly()
    {
        _server.ServeModels(Primary, Secondary);
        using Observed observed = Validating(ModelValidationMode.Fail);

        (await observed.Router.ValidateModelsAsync()).Should().BeEmpty();

        observed.Logs.GetSnapshot().Should().NotContain(r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Off_probes_nothing()
    {
        using Observed observed = Validating(ModelValidationMode.Off);

        (await observed.Router.ValidateModelsAsync()).Should().BeEmpty();

        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_explicit_mode_overrides_the_configured_one()
    {
        _server.ServeModels("served-instead");
        using Observed observed = Validating(ModelValidationMode.Off);

        Func<Task> act = () => observed.Router.ValidateModelsAsync(ModelValidationMode.Fail);

        await act.Should().ThrowAsync<ModelValidationException>();
        await FluentActions.Awaiting(() => observed.Router.ValidateModelsAsync((ModelValidationMode)7))
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("mode");
    }

    [Fact]
    public async Task The_hosted_service_stops_the_host_from_starting_when_validation_fails()
    {
        _server.ServeModels("served-instead");
        using Observed observed = Validating(ModelValidationMode.Fail);
        using IHost host = Host(observed.Router);

        Func<Task> start = () => host.StartAsync();

        (await start.Should().ThrowAsync<ModelValidationException>()).Which.Message.Should().Contain(Primary);
    }

    [Fact]
    public async Task The_hosted_service_lets_the_host_start_with_warnings()
    {
        _server.ServeModels(Secondary);
        using Observed observed = Validating(ModelValidationMode.Warn);
        using IHost host = Host(observed.Router);

        await host.StartAsync();

        observed.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 11).Which.GetStructuredStateValue("Backend").Should().Be("a");
        await host.StopAsync();
    }

    [Fact]
    public async Task The_hosted_service_does_nothing_when_validation_is_off()
    {
        using Observed observed = Validating(ModelValidationMode.Off);
        using IHost host = Host(observed.Router);

        await host.StartAsync();

        _server.Requests.Should().BeEmpty();
        await host.StopAsync();
    }

    [Fact]
    public void Registering_the_start_up_validation_twice_adds_it_once()
    {
        var services = new ServiceCollection();

        services.AddPaiLlmStartupValidation().AddPaiLlmStartupValidation();

        services.Should().ContainSingle(d => d.ServiceType == typeof(IHostedService));
    }

    private Observed Validating(ModelValidationMode mode, Uri? primaryEndpoint = null) =>
        Observed.TwoBackends(_server, primaryEndpoint: primaryEndpoint, configure: options => options.Health.ValidateModelsOnStart = mode);

    private static IHost Host(ModelRouter router)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(router);
        builder.Services.AddPaiLlmStartupValidation();
        return builder.Build();
    }
}
