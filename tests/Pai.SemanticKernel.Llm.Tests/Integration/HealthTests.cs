using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Integration;

/// <summary>Health probes over GET {endpoint}/models.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Each_backend_reports_reachable_model_listed_and_latency()
    {
        _server.ServeModels("Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-32B-Instruct");
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint, "sk-probe-key"));

        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync();

        reports.Select(r => (r.Backend, r.Reachable, r.ModelListed)).Should().BeEquivalentTo(new[]
        {
            ("vllm-7b", true, (bool?)true), ("vllm-32b", true, (bool?)true), ("vllm-72b", true, (bool?)false),
        });
        reports.Single(r => r.Backend == "vllm-72b").Error.Should().Contain("Qwen/Qwen2.5-72B-Instruct");
        reports.Should().OnlyContain(r => r.Latency > TimeSpan.Zero && r.Endpoint == _server.V1Endpoint.ToString());
        _server.Requests.Should().OnlyContain(r => r.Path == ScriptedOpenAIServer.ModelsPath && r.Authorization == "Bearer sk-probe-key");
    }

    [Fact]
    public async Task HealthCheckAll_is_keyed_by_tier_and_fallback()
    {
        _server.ServeModels("Qwen/Qwen2.5-7B-Instruct");
        PaiLlmOptions options = PaiPresets.Vllm(_server.V1Endpoint);
        options.Backends["cloud"] = new BackendOptions { Endpoint = ScriptedOpenAIServer.RefusedEndpoint(), Model = "gpt-4o-mini" };
        options.Fallback.Add("cloud");
        using var router = new ModelRouter(options);

        IReadOnlyDictionary<string, bool> health = await router.HealthCheckAllAsync();

        health.Should().BeEquivalentTo(new Dictionary<string, bool> { ["quick"] = true, ["standard"] = false, ["determined"] = false, ["fallback"] = false });
        (await router.HealthCheckAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task An_unreachable_backend_reports_why()
    {
        using var router = new ModelRouter(PaiPresets.Vllm(ScriptedOpenAIServer.RefusedEndpoint()));

        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync();

        reports.Should().OnlyContain(r => !r.Reachable && !r.IsHealthy && r.Error!.Length > 0);
        (await router.HealthCheckAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task A_redirected_probe_is_not_followed_and_reports_where_the_endpoint_points()
    {
        // Behind a proxy that moved the API, GET /models would answer 200 once redirected while every chat request fails.
        _server.ServeModels("Qwen/Qwen2.5-7B-Instruct");
        _server.SetModelsReply(ScriptedReply.Status(301).WithHeader("Location", _server.V1Endpoint + "/moved/models"));
        using var router = new ModelRouter(PaiPresets.Vllm(_server.V1Endpoint));

        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync();

        reports.Should().OnlyContain(r => !r.Reachable && r.Error!.StartsWith(
            $"GET /models answered HTTP 301 Moved Permanently: the endpoint redirects to {_server.V1Endpoint}/moved/models, and redirects are not followed"));
        _server.Requests.Should().OnlyContain(r => r.Path == ScriptedOpenAIServer.ModelsPath);
    }

    [Fact]
    public async Task A_probe_timeout_longer_than_a_timer_can_wait_means_no_limit()
    {
        // .NET timers refuse delays over about 49.7 days; the configuration accepts any positive timeout.
        _server.ServeModels("Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-32B-Instruct", "Qwen/Qwen2.5-72B-Instruct");
        PaiLlmOptions options = PaiPresets.Vllm(_server.V1Endpoint);
        options.Health.ProbeTimeout = TimeSpan.FromDays(100);
        using var router = new ModelRouter(options);

        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync().WaitAsync(TimeSpan.FromSeconds(30));

        reports.Should().HaveCount(3).And.OnlyContain(r => r.Reachable && r.ModelListed == true);
    }

    [Fact]
    public async Task A_probe_that_gets_no_answer_gives_up_after_the_probe_timeout()
    {
        _server.SetModelsReply(ScriptedReply.Hang());
        PaiLlmOptions options = PaiPresets.Vllm(_server.V1Endpoint);
        options.Health.ProbeTimeout = TimeSpan.FromSeconds(1);
        using var router = new ModelRouter(options);

        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync().WaitAsync(TimeSpan.FromSeconds(30));

        reports.Should().OnlyContain(r => !r.Reachable && r.Error!.Contains("ProbeTimeout"));
    }
}
