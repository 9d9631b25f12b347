using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm.Tests.Unit;

public sealed class ConfigurationTests
{
    private const string Secret = "sk-test-SECRET-0123456789";

    private const string ContractJson = """
        {
          "Pai": { "Llm": {
            "DefaultEffort": "standard",
            "Backends": {
              "vllm-7b":  { "Endpoint": "http://vllm-7b:8000/v1",  "Model": "Qwen/Qwen2.5-7B-Instruct",  "MaxTokens": 2048, "ContextLength": 32768 },
              "vllm-72b": { "Endpoint": "http://vllm-72b:8000/v1", "Model": "Qwen/Qwen2.5-72B-Instruct", "ApiKey": "sk-test-SECRET-0123456789" },
              "openai":   { "Provider": "openai", "Endpoint": "https://api.openai.com/v1", "Model": "gpt-4o-mini", "ApiKey": "sk-test-SECRET-0123456789" }
            },
            "Tiers": {
              "quick":      { "Backends": [ "vllm-7b" ] },
              "standard":   { "Backends": [ "vllm-7b" ] },
              "determined": { "Backends": [ "vllm-72b", "vllm-7b" ] }
            },
            "Fallback": [ "openai" ]
          } }
        }
        """;

    [Fact]
    public void The_documented_json_shape_binds_and_builds_each_tier_chain()
    {
        using ModelRouter router = ModelRouter.FromConfiguration(Section(ContractJson));

        router.GetChain(EffortLevel.Quick).Should().Equal("vllm-7b", "openai");
        router.GetChain(EffortLevel.Standard).Should().Equal("vllm-7b", "openai");
        router.GetChain(EffortLevel.Determined).Should().Equal("vllm-72b", "vllm-7b", "openai");
        router.GetEffort().Should().Be(EffortLevel.Standard);

        BackendOptions quick = router.GetModelConfig(EffortLevel.Quick);
        quick.Endpoint.Should().Be(new Uri("http://vllm-7b:8000/v1"));
        quick.Model.Should().Be("Qwen/Qwen2.5-7B-Instruct");
        quick.MaxTokens.Should().Be(2048);
        quick.ContextLength.Should().Be(32768);
        quick.Temperature.Should().Be(0.7f);
    }

    [Fact]
    public void GetModelConfig_returns_a_copy()
    {
        using ModelRouter router = ModelRouter.FromConfiguration(Section(ContractJson));

        router.GetModelConfig(EffortLevel.Quick).Model = "changed";

        router.GetModelConfig(EffortLevel.Quick).Model.Should().Be("Qwen/Qwen2.5-7B-Instruct");
    }

    [Fact]
    public void Degradation_ladder_appends_lower_tiers_before_the_fallback()
    {
        PaiLlmOptions options = PaiPresets.DefaultVllm;
        options.Tier(EffortLevel.Determined).DegradeToLowerTiers = true;
        options.Backends["cloud"] = new BackendOptions { Provider = "openai", Model = "gpt-4o-mini", ApiKey = Secret };
        options.Fallback.Add("cloud");

        using var router = new ModelRouter(options);

        router.GetChain(EffortLevel.Determined).Should().Equal("vllm-72b", "vllm-32b", "vllm-7b", "cloud");
        router.GetChain(EffortLevel.Standard).Should().Equal("vllm-32b", "cloud");
    }

    [Fact]
    public void A_tier_that_is_not_configured_uses_the_default_tier()
    {
        var options = new PaiLlmOptions { DefaultEffort = EffortLevel.Quick };
        options.Backends["only"] = new BackendOptions { Endpoint = new Uri("http://localhost:1/v1"), Model = "m" };
        options.Tier(EffortLevel.Quick).Backends.Add("only");

        using var router = new ModelRouter(options);

        router.GetChain(EffortLevel.Determined).Should().Equal("only");
    }

    [Fact]
    public void Presets_reproduce_the_seed()
    {
        PaiLlmOptions vllm = PaiPresets.DefaultVllm;
        vllm.Backends.Values.Should().OnlyContain(b => b.Endpoint == new Uri("http://vllm-service:8000/v1"));
        Describe(vllm).Should().Equal(
            "quick Qwen/Qwen2.5-7B-Instruct 2048 32768",
            "standard Qwen/Qwen2.5-32B-Instruct 4096 32768",
            "determined Qwen/Qwen2.5-72B-Instruct 8192 65536");

        PaiLlmOptions ollama = PaiPresets.Ollama;
        ollama.Backends.Values.Should().OnlyContain(b => b.Endpoint == new Uri("http://localhost:11434/v1") && b.ApiKey == null);
        Describe(ollama).Should().Equal(
            "quick qwen2.5:7b 2048 32768",
            "standard qwen2.5:32b 4096 32768",
            "determined qwen2.5:72b 8192 65536");

        PaiPresets.DefaultVllm.Should().NotBeSameAs(PaiPresets.DefaultVllm, "each call returns a fresh instance");
    }

    [Theory]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m" } }, "Tiers": { "standard": { "Backends": [ "nope" ] } } }""", "Pai:Llm:Tiers:standard:Backends:0", "'nope'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "vllm:8000", "Model": "m" } }, "Tiers": { "standard": { "Backends": [ "a" ] } } }""", "Pai:Llm:Backends:a:Endpoint", "'vllm:8000'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "ftp://x/v1", "Model": "m" } }, "Tiers": { "standard": { "Backends": [ "a" ] } } }""", "Pai:Llm:Backends:a:Endpoint", "'ftp://x/v1'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": " " } }, "Tiers": { "standard": { "Backends": [ "a" ] } } }""", "Pai:Llm:Backends:a:Model", "empty")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m", "Provider": "bedrock" } }, "Tiers": { "standard": { "Backends": [ "a" ] } } }""", "Pai:Llm:Backends:a:Provider", "'bedrock'")]
    [InlineData("""{ "DefaultEffort": "fast", "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m" } }, "Tiers": { "standard": { "Backends": [ "a" ] } } }""", "Pai:Llm:DefaultEffort", "'fast'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m" } }, "Tiers": { "fast": { "Backends": [ "a" ] }, "standard": { "Backends": [ "a" ] } } }""", "Pai:Llm:Tiers:fast", "'fast'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m" } }, "Tiers": { "standard": { "Backends": [ "a" ] } }, "Fallback": [ "cloud" ] }""", "Pai:Llm:Fallback:0", "'cloud'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m", "MaxTokens": "lots" } }, "Tiers": { "standard": { "Backends": [ "a" ] } } }""", "Pai:Llm:Backends:a:MaxTokens", "'lots'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m", "StallTimeout": "00:00:00" } }, "Tiers": { "standard": { "Backends": [ "a" ] } } }""", "Pai:Llm:Backends:a:StallTimeout", "'00:00:00'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m" } }, "Tiers": { "standard": { "Backends": [ "a" ] } }, "Cooldown": { "Duration": "-00:00:01" } }""", "Pai:Llm:Cooldown:Duration", "'-00:00:01'")]
    [InlineData("""{ "Backends": { "a": { "Endpoint": "http://x/v1", "Model": "m" } } }""", "Pai:Llm:Tiers:standard", "missing")]
    [InlineData("""{ "Backends": { } , "Tiers": { "standard": { "Backends": [ ] } } }""", "Pai:Llm:Backends", "empty")]
    public void Invalid_configuration_fails_at_build_time_naming_the_setting_and_value(string json, string setting, string value)
    {
        Action build = () => ModelRouter.FromConfiguration(Section($$"""{ "Pai": { "Llm": {{json}} } }""")).Dispose();

        OptionsValidationException error = build.Should().Throw<OptionsValidationException>().Which;
        error.Message.Should().Contain(setting).And.Contain(value);
    }

    [Fact]
    public void Validation_reports_every_problem_at_once_and_never_the_api_key()
    {
        const string json = """{ "Pai": { "Llm": { "Backends": { "a": { "Endpoint": "nope", "Model": "", "ApiKey": "sk-test-SECRET-0123456789" } }, "Tiers": { "standard": { "Backends": [ "b" ] } } } } }""";

        Action build = () => ModelRouter.FromConfiguration(Section(json)).Dispose();

        OptionsValidationException error = build.Should().Throw<OptionsValidationException>().Which;
        error.Failures.Should().HaveCountGreaterThanOrEqualTo(3);
        error.Message.Should().NotContain(Secret);
    }

    [Fact]
    public void Options_and_router_descriptions_never_contain_the_api_key()
    {
        using ModelRouter router = ModelRouter.FromConfiguration(Section(ContractJson));
        PaiLlmOptions options = PaiPresets.Vllm(new Uri("http://user:pass@vllm:8000/v1"), Secret);

        string[] texts = [router.ToString(), options.ToString(), router.GetModelConfig(EffortLevel.Determined).ToString(), options.Backends["vllm-7b"].ToString()];

        texts.Should().OnlyContain(t => !t.Contains(Secret) && !t.Contains("pass"));
        router.GetModelConfig(EffortLevel.Determined).ToString().Should().Contain("API key set");
    }

    [Theory]
    [InlineData("http://user:sk-SECRET-123@[bad/v1")]
    [InlineData("http://vllm:8000/v1?api_key=sk-SECRET-123")]
    public void Endpoint_credentials_never_appear_in_validation_messages(string endpoint)
    {
        string json = $$"""{ "Pai": { "Llm": { "Backends": { "a": { "Endpoint": "{{endpoint}}", "Model": "" } }, "Tiers": { "standard": { "Backends": [ "a" ] } } } } }""";

        Action build = () => ModelRouter.FromConfiguration(Section(json)).Dispose();

        build.Should().Throw<OptionsValidationException>().Which.Message.Should().NotContain("sk-SECRET-123").And.Contain("Pai:Llm:Backends:a");
    }

    [Fact]
    public void Environment_unset_means_the_vllm_preset()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env());

        options.Backends.Keys.Should().BeEquivalentTo("vllm-7b", "vllm-32b", "vllm-72b");
        options.Backends.Values.Should().OnlyContain(b => b.Endpoint == PaiPresets.DefaultVllmEndpoint && b.ApiKey == null);
        options.Fallback.Should().BeEmpty();
    }

    [Theory]
    [InlineData("VLLM_ENDPOINT", "VLLM_API_KEY")]
    [InlineData("LLM_ENDPOINT", "LLM_API_KEY")]
    public void Environment_endpoint_and_key_apply_to_every_vllm_backend(string endpointVariable, string keyVariable)
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env((endpointVariable, "http://gpu-box:9000/v1"), (keyVariable, Secret)));

        options.Backends.Values.Should().OnlyContain(b => b.Endpoint == new Uri("http://gpu-box:9000/v1") && b.ApiKey == Secret);
    }

    [Fact]
    public void Vllm_specific_variables_win_over_generic_ones()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(("VLLM_ENDPOINT", "http://a:1/v1"), ("LLM_ENDPOINT", "http://b:1/v1")));

        options.Backends.Values.Should().OnlyContain(b => b.Endpoint == new Uri("http://a:1/v1"));
    }

    [Theory]
    [InlineData("USE_OLLAMA", "true")]
    [InlineData("LLM_PROVIDER", "ollama")]
    public void Environment_selects_the_ollama_preset(string variable, string value)
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env((variable, value)));

        options.Backends.Keys.Should().BeEquivalentTo("ollama-7b", "ollama-32b", "ollama-72b");
        options.Backends.Values.Should().OnlyContain(b => b.Endpoint == PaiPresets.DefaultOllamaEndpoint);
    }

    [Fact]
    public void Ollama_endpoint_comes_from_its_variable()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(("USE_OLLAMA", "TRUE"), ("OLLAMA_ENDPOINT", "http://box:11434/v1")));

        options.Backends.Values.Should().OnlyContain(b => b.Endpoint == new Uri("http://box:11434/v1"));
    }

    [Fact]
    public void Cloud_fallbacks_come_from_the_environment_in_a_documented_order()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(
            ("PAI_FALLBACK_ENDPOINT", "https://api.together.xyz/v1"), ("PAI_FALLBACK_MODEL", "meta-llama/Llama-3-8b"), ("PAI_FALLBACK_API_KEY", Secret),
            ("OPENAI_API_KEY", Secret), ("OPENAI_MODEL", "gpt-4.1-mini"), ("PAI_DEFAULT_EFFORT", "Quick")));

        options.Fallback.Should().Equal("fallback", "openai");
        options.Backends["fallback"].Model.Should().Be("meta-llama/Llama-3-8b");
        options.Backends["openai"].Provider.Should().Be(BackendProviders.OpenAI);
        options.Backends["openai"].Model.Should().Be("gpt-4.1-mini");
        options.Backends["openai"].Endpoint.Should().Be(new Uri("https://api.openai.com/v1"));
        options.DefaultEffort.Should().Be(EffortLevel.Quick);
    }

    [Fact]
    public void Cloud_fallback_can_be_switched_off()
    {
        PaiLlmOptions options = PaiLlmEnvironment.Read(Env(("OPENAI_API_KEY", Secret), ("PAI_CLOUD_FALLBACK", "false")));

        options.Fallback.Should().BeEmpty();
    }

    [Theory]
    [InlineData("VLLM_ENDPOINT", "vllm-service")]
    [InlineData("LLM_PROVIDER", "bedrock")]
    [InlineData("PAI_DEFAULT_EFFORT", "fast")]
    public void Bad_environment_values_name_the_variable_and_value(string variable, string value)
    {
        Action read = () => PaiLlmEnvironment.Read(Env((variable, value)));

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(variable).And.Contain($"'{value}'");
    }

    private static IEnumerable<string> Describe(PaiLlmOptions options) =>
        Enum.GetValues<EffortLevel>().Select(e =>
        {
            BackendOptions b = options.Backends[options.Tiers[e.ToString().ToLowerInvariant()].Backends.Single()];
            return $"{e.ToString().ToLowerInvariant()} {b.Model} {b.MaxTokens} {b.ContextLength}";
        });

    private static Func<string, string?> Env(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    internal static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Pai:Llm");
}
