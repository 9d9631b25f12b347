using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.Anthropic.AnthropicHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Anthropic;

/// <summary>Health probes of Anthropic backends through the Models API (GET /v1/models, and GET /v1/models/{id} for aliases).</summary>
public sealed class AnthropicHealthTests : IAsyncLifetime
{
    private ScriptedAnthropicServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedAnthropicServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_listed_model_is_reachable_and_listed_and_the_probe_authenticates_as_anthropic_documents()
    {
        _server.ServeModels("claude-other", Claude);
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.Should().BeEquivalentTo(new { Backend = "anthropic", Provider = "anthropic", Model = Claude, Reachable = true, ModelListed = (bool?)true, IsHealthy = true, Error = (string?)null });
        report.Endpoint.Should().Be(_server.BaseUri.ToString());
        report.ListedModels.Should().Equal("claude-other", Claude);
        report.Latency.Should().BePositive();
        RecordedRequest probe = _server.Requests.Single();
        probe.Method.Should().Be("GET");
        probe.Path.Should().Be(ScriptedAnthropicServer.ModelsPath);
        probe.Headers["x-api-key"].Should().Be(ApiKey);
        probe.Headers["anthropic-version"].Should().Be("2023-06-01");
    }

    [Fact]
    public async Task An_alias_is_resolved_through_the_single_model_endpoint()
    {
        _server.ServeModels("claude-haiku-4-5-20251001").AliasModel("claude-haiku-4-5", "claude-haiku-4-5-20251001");
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri, model: "claude-haiku-4-5")));

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.ModelListed.Should().BeTrue();
        report.IsHealthy.Should().BeTrue();
        _server.Requests.Select(r => r.Path).Should().Equal(ScriptedAnthropicServer.ModelsPath, ScriptedAnthropicServer.ModelsPath + "/claude-haiku-4-5");
    }

    [Fact]
    public async Task A_model_that_is_not_served_makes_the_backend_unhealthy_and_says_which()
    {
        _server.ServeModels("claude-other");
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.Reachable.Should().BeTrue();
        report.ModelListed.Should().BeFalse();
        report.IsHealthy.Should().BeFalse();
        report.Error.Should().Contain($"'{Claude}'").And.Contain("claude-other");
    }

    [Fact]
    public async Task A_rejected_key_makes_the_backend_unreachable_with_the_status()
    {
        _server.ServeModels(Claude).SetModelsReply(ScriptedReply.Status(401));
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)));

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.Reachable.Should().BeFalse();
        report.Error.Should().Contain("HTTP 401");
    }

    [Fact]
    public async Task A_refused_endpoint_is_unreachable()
    {
        using ModelRouter router = Router(("anthropic", Backend(ScriptedAnthropicServer.RefusedEndpoint())));

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.Reachable.Should().BeFalse();
        report.Error.Should().NotBeNullOrEmpty();
        (await router.HealthCheckAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task A_healthy_anthropic_fallback_reports_the_fallback_key_healthy()
    {
        _server.ServeModels(Claude);
        PaiLlmOptions options = Options(("local", RouterHarness.Backend(ScriptedOpenAIServer.RefusedEndpoint(), "local-model")));
        options.Backends["anthropic"] = Backend(_server.BaseUri);
        options.Fallback.Add("anthropic");
        using var router = new ModelRouter(options);

        IReadOnlyDictionary<string, bool> health = await router.HealthCheckAllAsync();

        health.Should().BeEquivalentTo(new Dictionary<string, bool> { ["quick"] = false, ["standard"] = false, ["determined"] = false, ["fallback"] = true });
    }

    [Fact]
    public async Task A_probe_that_gets_no_answer_gives_up_after_the_probe_timeout()
    {
        _server.SetModelsReply(ScriptedReply.Hang());
        PaiLlmOptions options = Options(("anthropic", Backend(_server.BaseUri)));
        options.Health.ProbeTimeout = TimeSpan.FromSeconds(1);
        using var router = new ModelRouter(options);

        BackendHealthReport report = (await router.CheckBackendsAsync().WaitAsync(TimeSpan.FromSeconds(30))).Single();

        report.Reachable.Should().BeFalse();
        report.Error.Should().Contain("ProbeTimeout");
    }
}
