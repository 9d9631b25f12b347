using Microsoft.Extensions.Options;
using static Pai.SemanticKernel.Llm.Tests.Integration.Anthropic.AnthropicHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Anthropic;

/// <summary>ANTHROPIC_API_KEY (with ANTHROPIC_MODEL and ANTHROPIC_BASE_URL) adds Anthropic to the cloud fallbacks.</summary>
public sealed class AnthropicEnvironmentTests
{
    [Fact]
    public void The_api_key_alone_adds_an_anthropic_fallback_with_documented_defaults()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(("ANTHROPIC_API_KEY", ApiKey)));

        options.Fallback.Should().Equal("anthropic");
        BackendOptions anthropic = options.Backends["anthropic"];
        anthropic.Provider.Should().Be(BackendProviders.Anthropic);
        anthropic.Model.Should().Be("claude-haiku-4-5");
        anthropic.Endpoint.Should().Be(new Uri("https://api.anthropic.com"));
        anthropic.MaxTokens.Should().Be(4096);
        anthropic.ApiKey.Should().Be(ApiKey);
    }

    [Fact]
    public void Anthropic_comes_after_openai_in_the_fallback_order()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(
            ("ANTHROPIC_API_KEY", ApiKey), ("OPENAI_API_KEY", "sk-openai-0123456789"),
            ("PAI_FALLBACK_ENDPOINT", "https://api.together.xyz/v1"), ("PAI_FALLBACK_MODEL", "meta-llama/Llama-3-8b")));

        options.Fallback.Should().Equal("fallback", "openai", "anthropic");
        using var router = new ModelRouter(options);
        router.GetChain(EffortLevel.Standard).Should().EndWith(["fallback", "openai", "anthropic"]);
    }

    [Fact]
    public void Model_and_base_url_come_from_their_variables()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(
            ("ANTHROPIC_API_KEY", ApiKey), ("ANTHROPIC_MODEL", "claude-sonnet-4-5"), ("ANTHROPIC_BASE_URL", "http://llm-gateway:4000/anthropic")));

        options.Backends["anthropic"].Model.Should().Be("claude-sonnet-4-5");
        options.Backends["anthropic"].Endpoint.Should().Be(new Uri("http://llm-gateway:4000/anthropic"));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("no")]
    public void Cloud_fallback_switched_off_ignores_the_anthropic_key(string value)
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(("ANTHROPIC_API_KEY", ApiKey), ("PAI_CLOUD_FALLBACK", value)));

        options.Fallback.Should().BeEmpty();
        options.Backends.Should().NotContainKey("anthropic");
    }

    [Fact]
    public void Without_the_api_key_the_other_anthropic_variables_add_nothing()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(("ANTHROPIC_MODEL", "claude-sonnet-4-5"), ("ANTHROPIC_BASE_URL", "http://gateway:4000")));

        options.Fallback.Should().BeEmpty();
    }

    [Fact]
    public void A_bad_base_url_names_the_variable_and_value()
    {
        Action read = () => PaiLlmEnvironment.Read(Env(("ANTHROPIC_API_KEY", ApiKey), ("ANTHROPIC_BASE_URL", "api.anthropic.com")));

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("ANTHROPIC_BASE_URL 'api.anthropic.com'");
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }
}
