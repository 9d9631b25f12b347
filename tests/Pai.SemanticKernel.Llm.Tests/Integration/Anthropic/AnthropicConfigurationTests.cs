using Microsoft.Extensions.Options;
using static Pai.SemanticKernel.Llm.Tests.Integration.Anthropic.AnthropicHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Anthropic;

/// <summary>Configuring Anthropic backends: the documented JSON shape, and validation messages that name the setting.</summary>
public sealed class AnthropicConfigurationTests
{
    private static readonly Uri Endpoint = new("https://anthropic-proxy.internal");

    [Fact]
    public void The_documented_json_shape_binds_an_anthropic_fallback()
    {
        const string json = """
            {
              "Pai": { "Llm": {
                "Backends": {
                  "vllm-7b": { "Endpoint": "http://vllm-7b:8000/v1", "Model": "Qwen/Qwen2.5-7B-Instruct" },
                  "claude":  { "Provider": "anthropic", "Model": "claude-sonnet-4-5", "ApiKey": "sk-ant-api03-SECRET-key-0123456789", "MaxTokens": 4096 }
                },
                "Tiers": { "standard": { "Backends": [ "vllm-7b" ] } },
                "Fallback": [ "claude" ]
              } }
            }
            """;

        using ModelRouter router = ModelRouter.FromConfiguration(Unit.ConfigurationTests.Section(json));

        router.GetChain(EffortLevel.Standard).Should().Equal("vllm-7b", "claude");
        BackendOptions claude = router.Options.Backends["claude"];
        claude.Provider.Should().Be("anthropic");
        claude.MaxTokens.Should().Be(4096);
        claude.Endpoint.Should().BeNull("the provider defaults it to https://api.anthropic.com");
    }

    [Fact]
    public void The_provider_name_is_case_insensitive()
    {
        using ModelRouter router = Router(("claude", Backend(Endpoint, configure: b => b.Provider = "Anthropic")));

        router.GetChain(EffortLevel.Quick).Should().Equal("claude");
    }

    [Fact]
    public void A_missing_api_key_names_the_setting()
    {
        Action build = () => Router(("claude", Backend(Endpoint, configure: b => b.ApiKey = null)));

        build.Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain("Pai:Llm:Backends:claude:ApiKey is required for provider 'anthropic'");
    }

    [Fact]
    public void A_missing_max_tokens_names_the_setting_and_why_it_is_needed()
    {
        Action build = () => Router(("claude", Backend(Endpoint, configure: b => b.MaxTokens = null)));

        build.Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain("Pai:Llm:Backends:claude:MaxTokens is required for provider 'anthropic'").And.Contain("max_tokens");
    }

    [Fact]
    public void A_missing_model_names_the_setting()
    {
        Action build = () => Router(("claude", Backend(Endpoint, configure: b => b.Model = " ")));

        build.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Pai:Llm:Backends:claude:Model is empty");
    }

    [Theory]
    [InlineData("https://api.anthropic.com/v1")]
    [InlineData("http://proxy:8080/anthropic/v1/")]
    public void An_endpoint_ending_in_v1_is_rejected_because_the_sdk_adds_it(string endpoint)
    {
        Action build = () => Router(("claude", Backend(new Uri(endpoint))));

        build.Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain($"Pai:Llm:Backends:claude:Endpoint '{endpoint}' ends with /v1");
    }

    [Fact]
    public void An_endpoint_that_is_not_http_is_rejected()
    {
        Action build = () => Router(("claude", Backend(new Uri("ftp://files.example.com"))));

        build.Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain("Pai:Llm:Backends:claude:Endpoint 'ftp://files.example.com' is not an absolute http(s) URI");
    }

    [Fact]
    public void A_proxy_endpoint_with_a_path_prefix_is_accepted()
    {
        using ModelRouter router = Router(("claude", Backend(new Uri("http://gateway:8080/anthropic"))));

        router.GetChain(EffortLevel.Quick).Should().Equal("claude");
    }

    [Fact]
    public void An_unknown_provider_lists_anthropic_as_available()
    {
        Action build = () => Router(("claude", Backend(Endpoint, configure: b => b.Provider = "claude")));

        string message = build.Should().Throw<OptionsValidationException>().Which.Message;
        message.Should().Contain("Provider 'claude' is not a known provider").And.Contain("anthropic");
        message.Should().NotContain("not available");
    }
}
