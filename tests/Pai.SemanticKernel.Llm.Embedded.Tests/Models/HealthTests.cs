using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Models;

/// <summary>Health of an embedded backend: healthy when its model loads, unhealthy with the reason when it does not.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task A_model_that_loads_is_healthy_in_every_tier()
    {
        using ModelRouter router = TestModel.Router();

        IReadOnlyDictionary<string, bool> health = await router.HealthCheckAllAsync();
        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync();

        health.Should().BeEquivalentTo(new Dictionary<string, bool> { ["quick"] = true, ["standard"] = true, ["determined"] = true });
        reports.Should().ContainSingle().Which.Should().Match<BackendHealthReport>(r =>
            r.IsHealthy && r.Provider == "embedded" && r.Endpoint == null && r.Model == TestModel.Name && r.Error == null);
    }

    [Fact]
    public async Task A_wrong_path_is_unhealthy_and_the_report_names_the_path_and_the_problem()
    {
        using var directory = new TempDirectory();
        string missing = directory.File("nowhere.gguf");
        using ModelRouter router = TestModel.Router(b => b.ModelPath = missing, new EmbeddedProviderOptions { CheckModelFileOnBuild = false });

        IReadOnlyDictionary<string, bool> health = await router.HealthCheckAllAsync();
        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        health.Values.Should().AllBeEquivalentTo(false);
        report.Reachable.Should().BeFalse();
        report.Error.Should().Contain(missing).And.Contain("does not exist");
    }

    [Fact]
    public async Task A_truncated_model_is_unhealthy_with_llama_cpp_s_reason()
    {
        using var directory = new TempDirectory();
        string truncated = directory.File("truncated.gguf");
        byte[] model = await File.ReadAllBytesAsync(TestModel.Path);
        await File.WriteAllBytesAsync(truncated, model[..(model.Length / 3)]);
        using ModelRouter router = TestModel.Router(b => b.ModelPath = truncated);

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.IsHealthy.Should().BeFalse();
        report.Error.Should().Contain(truncated).And.Contain("could not be loaded by llama.cpp");
    }
}
