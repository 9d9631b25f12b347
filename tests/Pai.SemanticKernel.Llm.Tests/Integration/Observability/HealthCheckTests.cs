using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Observability;

/// <summary>The ASP.NET Core health check <c>AddPaiLlmBackends()</c>, run by the health check service of a container.</summary>
public sealed class HealthCheckTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        _server.ServeModels(Primary, Secondary);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task All_backends_up_is_healthy_with_a_report_per_backend()
    {
        using Observed observed = Observed.TwoBackends(_server);

        HealthReportEntry entry = await CheckAsync(observed.Router);

        entry.Status.Should().Be(HealthStatus.Healthy);
        entry.Description.Should().Be("All 2 backend(s) answer and serve their models.");
        IReadOnlyDictionary<string, object?> a = Backend(entry, "a");
        a["healthy"].Should().Be(true);
        a["reachable"].Should().Be(true);
        a["modelListed"].Should().Be(true);
        a["model"].Should().Be(Primary);
        a["provider"].Should().Be("openai-compatible");
        a["endpoint"].Should().Be(_server.V1Endpoint.ToString());
        a["coolingDown"].Should().Be(false);
        a["error"].Should().BeNull();
        ((double)a["latencyMs"]!).Should().BePositive();
        Tiers(entry).Should().Equal(new Dictionary<string, object?> { ["quick"] = true, ["standard"] = true, ["determined"] = true });
    }

    [Fact]
    public async Task Some_backends_down_while_every_tier_can_still_answer_is_degraded()
    {
        using Observed observed = Observed.TwoBackends(_server, primaryEndpoint: ScriptedOpenAIServer.RefusedEndpoint());

        HealthReportEntry entry = await CheckAsync(observed.Router);

        entry.Status.Should().Be(HealthStatus.Degraded);
        entry.Description.Should().StartWith("Backend(s) down: a (").And.EndWith("Every tier can still answer.");
        Backend(entry, "a")["reachable"].Should().Be(false);
        ((string)Backend(entry, "a")["error"]!).Should().NotBeEmpty();
        Backend(entry, "b")["healthy"].Should().Be(true);
    }

    [Fact]
    public async Task A_tier_that_cannot_answer_is_unhealthy()
    {
        var options = new PaiLlmOptions();
        options.Backends["a"] = RouterHarness.Backend(ScriptedOpenAIServer.RefusedEndpoint(), Primary);
        options.Backends["b"] = RouterHarness.Backend(_server.V1Endpoint, Secondary);
        options.Tier(EffortLevel.Quick).Backends.Add("a");
        options.Tier(EffortLevel.Standard).Backends.Add("b");
        options.Tier(EffortLevel.Determined).Backends.Add("b");
        using Observed observed = Observed.Build(options);

        HealthReportEntry entry = await CheckAsync(observed.Router);

        entry.Status.Should().Be(HealthStatus.Unhealthy);
        entry.Description.Should().StartWith("Tier(s) quick cannot answer");
        Tiers(entry).Should().Equal(new Dictionary<string, object?> { ["quick"] = false, ["standard"] = true, ["determined"] = true });
    }

    [Fact]
    public async Task A_tier_that_cannot_answer_reports_the_registrations_failure_status()
    {
        using Observed observed = Observed.TwoBackends(_server, primaryEndpoint: ScriptedOpenAIServer.RefusedEndpoint());
        _server.ServeModels("another-model");

        HealthReportEntry entry = await CheckAsync(observed.Router, failureStatus: HealthStatus.Degraded);

        entry.Status.Should().Be(HealthStatus.Degraded);
        entry.Description.Should().StartWith("Tier(s) quick, standard, determined cannot answer");
        Backend(entry, "b")["modelListed"].Should().Be(false);
    }

    [Fact]
    public async Task A_backend_whose_requests_put_it_in_cooldown_counts_as_down()
    {
        _server.Always(Primary, ScriptedReply.Status(500)).Always(Secondary, ScriptedReply.Text("from b"));
        using Observed observed = Observed.TwoBackends(_server);
        for (int i = 0; i < 3; i++)
        {
            await observed.Router.GetResponseAsync(Hello());
        }

        HealthReportEntry entry = await CheckAsync(observed.Router);

        entry.Status.Should().Be(HealthStatus.Degraded);
        Backend(entry, "a")["reachable"].Should().Be(true, "its model list still answers");
        Backend(entry, "a")["coolingDown"].Should().Be(true);
        Backend(entry, "a")["healthy"].Should().Be(false);
    }

    [Fact]
    public async Task The_report_holds_no_api_key_and_no_endpoint_credentials()
    {
        var credentialed = new Uri($"http://probe-user:probe-password@127.0.0.1:{_server.Port}/v1");
        using Observed observed = Observed.TwoBackends(_server, primaryEndpoint: credentialed);

        HealthReportEntry entry = await CheckAsync(observed.Router);

        string json = JsonSerializer.Serialize(new { entry.Status, entry.Description, entry.Data });
        json.Should().NotContain(Observed.ApiKey).And.NotContain("probe-password").And.NotContain("probe-user");
        json.Should().Contain("\"b\"");
    }

    [Fact]
    public void Registering_needs_a_builder_and_a_name()
    {
        IHealthChecksBuilder builder = new ServiceCollection().AddHealthChecks();

        FluentActions.Invoking(() => PaiLlmHealthChecksBuilderExtensions.AddPaiLlmBackends(null!)).Should().Throw<ArgumentNullException>().WithParameterName("builder");
        FluentActions.Invoking(() => builder.AddPaiLlmBackends(" ")).Should().Throw<ArgumentException>().WithParameterName("name");
    }

    private static async Task<HealthReportEntry> CheckAsync(ModelRouter router, HealthStatus? failureStatus = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(router);
        services.AddHealthChecks().AddPaiLlmBackends(failureStatus: failureStatus, tags: ["ready"]);
        await using ServiceProvider provider = services.BuildServiceProvider();

        HealthReport report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        HealthReportEntry entry = report.Entries.Should().ContainKey("pai-llm").WhoseValue;
        entry.Tags.Should().Contain("ready");
        return entry;
    }

    private static IReadOnlyDictionary<string, object?> Backend(HealthReportEntry entry, string name) =>
        (IReadOnlyDictionary<string, object?>)((IReadOnlyDictionary<string, object?>)entry.Data["backends"])[name]!;

    private static IReadOnlyDictionary<string, object?> Tiers(HealthReportEntry entry) => (IReadOnlyDictionary<string, object?>)entry.Data["tiers"];
}
