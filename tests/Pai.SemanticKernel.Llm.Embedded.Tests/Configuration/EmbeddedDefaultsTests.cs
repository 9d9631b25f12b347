using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Configuration;

/// <summary>The environment-driven defaults the examples use: the embedded backend when no server is configured.</summary>
public sealed class EmbeddedDefaultsTests
{
    [Fact]
    public void With_no_server_configured_every_tier_is_served_by_PAI_EMBEDDED_MODEL()
    {
        PaiLlmOptions options = EmbeddedDefaults.FromEnvironment(Environment(("PAI_EMBEDDED_MODEL", "/models/qwen.gguf")), defaultModel: null);

        options.Backends.Should().ContainSingle().Which.Key.Should().Be("embedded");
        options.Backends["embedded"].Should().Match<BackendOptions>(b => b.Provider == "embedded" && b.ModelPath == "/models/qwen.gguf");
        options.Tiers.Values.Should().HaveCount(3).And.OnlyContain(t => t.Backends.SequenceEqual(new[] { "embedded" }));
    }

    [Fact]
    public void With_no_server_and_no_PAI_EMBEDDED_MODEL_the_given_default_model_serves()
    {
        PaiLlmOptions options = EmbeddedDefaults.FromEnvironment(Environment(), TestModel.Backend());

        options.Backends["embedded"].ModelPath.Should().Be(TestModel.Path);
    }

    [Fact]
    public void Without_any_model_the_starter_model_is_downloaded_and_checked()
    {
        PaiLlmOptions options = EmbeddedDefaults.FromEnvironment(Environment(), defaultModel: null);

        options.Backends["embedded"].Should().Match<BackendOptions>(b =>
            b.DownloadUrl == EmbeddedDefaults.StarterModelUrl && b.Sha256 == TestModel.Sha256 && b.Model == TestModel.Name);
    }

    [Theory]
    [InlineData("VLLM_ENDPOINT", "http://gpu-box:8000/v1")]
    [InlineData("LLM_ENDPOINT", "http://gpu-box:8000/v1")]
    [InlineData("USE_OLLAMA", "true")]
    [InlineData("LLM_PROVIDER", "ollama")]
    public void A_configured_server_keeps_the_server_presets(string variable, string value)
    {
        Func<string, string?> environment = Environment((variable, value));

        PaiLlmOptions options = EmbeddedDefaults.FromEnvironment(environment, defaultModel: null);

        EmbeddedDefaults.IsServerConfigured(environment).Should().BeTrue();
        options.Backends.Should().HaveCount(3).And.NotContainKey("embedded");
        options.Fallback.Should().BeEmpty();
    }

    [Fact]
    public void USE_OLLAMA_false_configures_no_server()
    {
        EmbeddedDefaults.IsServerConfigured(Environment(("USE_OLLAMA", "false"))).Should().BeFalse();
    }

    [Fact]
    public void A_configured_server_with_PAI_EMBEDDED_MODEL_ends_every_chain_with_the_embedded_backend()
    {
        PaiLlmOptions options = EmbeddedDefaults.FromEnvironment(
            Environment(("VLLM_ENDPOINT", "http://gpu-box:8000/v1"), ("OPENAI_API_KEY", "sk-test-key"), ("PAI_EMBEDDED_MODEL", TestModel.Path)), defaultModel: null);

        options.Fallback.Should().Equal("openai", "embedded");
        options.Backends["embedded"].ModelPath.Should().Be(TestModel.Path);
        using var router = new ModelRouter(options, new ModelRouterServices().WithEmbedded());
        router.GetChain(EffortLevel.Quick).Should().Equal("vllm-7b", "openai", "embedded");
    }

    [Fact]
    public void Without_a_server_cloud_fallbacks_and_the_default_effort_still_apply()
    {
        PaiLlmOptions options = EmbeddedDefaults.FromEnvironment(
            Environment(("OPENAI_API_KEY", "sk-test-key"), ("PAI_DEFAULT_EFFORT", "quick")), TestModel.Backend());

        options.DefaultEffort.Should().Be(EffortLevel.Quick);
        options.Fallback.Should().Equal("openai");
        options.Tier(EffortLevel.Determined).Backends.Should().Equal("embedded");
    }

    [Fact]
    public async Task The_defaults_answer_on_a_machine_with_no_server()
    {
        using var router = new ModelRouter(EmbeddedDefaults.FromEnvironment(Environment(), TestModel.Backend()), new ModelRouterServices().WithEmbedded());

        Microsoft.Extensions.AI.ChatResponse response = await router.GetResponseAsync(TestModel.Prompt());

        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("embedded");
        response.Text.Should().NotBeEmpty();
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
