using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pai.SemanticKernel.Llm.Tests.Fakes;

namespace Pai.SemanticKernel.Llm.Tests.Unit;

/// <summary>Bad input is rejected with an exception that names the parameter or setting and the value.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData(true, "'True' (Boolean)")]
    [InlineData(1.5, "'1.5' (Double)")]
    public void An_effort_of_the_wrong_type_names_its_value_and_type(object value, string named)
    {
        var options = new ChatOptions { AdditionalProperties = new() { [PaiPropertyNames.Effort] = value } };

        Action read = () => options.GetEffort();

        read.Should().Throw<ArgumentException>().Which.Message.Should().Contain(named);
    }

    [Fact]
    public void An_undefined_effort_level_value_is_rejected()
    {
        var options = new ChatOptions { AdditionalProperties = new() { [PaiPropertyNames.Effort] = (EffortLevel)9 } };

        Action read = () => options.GetEffort();

        read.Should().Throw<ArgumentException>().Which.Message.Should().Contain("'9'");
    }

    [Theory]
    [InlineData("ConnectTimeout", "00:00:00")]
    [InlineData("FirstTokenTimeout", "-00:00:05")]
    [InlineData("StallTimeout", "00:00:00")]
    [InlineData("MaxRetryAfter", "-00:00:01")]
    public void Zero_or_negative_time_budgets_are_rejected_naming_the_setting(string setting, string value)
    {
        PaiLlmOptions options = PaiPresets.DefaultVllm;
        BackendOptions backend = options.Backends["vllm-7b"];
        typeof(BackendOptions).GetProperty(setting)!.SetValue(backend, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        Action build = () => new ModelRouter(options).Dispose();

        build.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain($"Backends:vllm-7b:{setting} '{value}'");
    }

    [Fact]
    public void A_negative_request_timeout_or_cooldown_is_rejected()
    {
        PaiLlmOptions options = PaiPresets.DefaultVllm;
        options.RequestTimeout = TimeSpan.FromSeconds(-1);
        options.Cooldown.Duration = TimeSpan.FromSeconds(-2);
        options.Cooldown.FailureThreshold = 0;

        Action build = () => new ModelRouter(options).Dispose();

        OptionsValidationException error = build.Should().Throw<OptionsValidationException>().Which;
        error.Message.Should().Contain("RequestTimeout '-00:00:01'").And.Contain("Cooldown:Duration '-00:00:02'").And.Contain("Cooldown:FailureThreshold '0'");
    }

    [Fact]
    public void A_tier_with_no_backends_is_rejected()
    {
        PaiLlmOptions options = PaiPresets.DefaultVllm;
        options.Tier(EffortLevel.Quick).Backends.Clear();

        Action build = () => new ModelRouter(options).Dispose();

        build.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Tiers:quick:Backends is empty");
    }

    [Fact]
    public void An_unknown_provider_is_rejected_listing_the_known_ones()
    {
        PaiLlmOptions options = PaiPresets.DefaultVllm;
        options.Backends["vllm-7b"].Provider = "bedrock";

        Action build = () => new ModelRouter(options).Dispose();

        build.Should().Throw<OptionsValidationException>().Which.Message.Should()
            .Contain("Backends:vllm-7b:Provider 'bedrock'").And.Contain("openai-compatible").And.Contain("openai");
    }

    [Fact]
    public void A_standalone_fallback_client_rejects_bad_backends_and_options()
    {
        var client = new FakeChatClient("x");

        FluentActions.Invoking(() => new FallbackChatClient([])).Should().Throw<ArgumentException>().WithParameterName("backends");
        FluentActions.Invoking(() => new FallbackChatClient([KeyValuePair.Create("a", (IChatClient)client), KeyValuePair.Create("A", (IChatClient)client)]))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("'A'");
        FluentActions.Invoking(() => new FallbackChatClient([KeyValuePair.Create(" ", (IChatClient)client)])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new FallbackChatClient([KeyValuePair.Create("a", (IChatClient)client)], new FallbackChatClientOptions { RequestTimeout = TimeSpan.Zero }))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("RequestTimeout '00:00:00'");
    }

    [Fact]
    public async Task Router_rejects_undefined_effort_levels()
    {
        using var router = new ModelRouter(PaiPresets.DefaultVllm);

        FluentActions.Invoking(() => router.SetEffort((EffortLevel)5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("effort");
        FluentActions.Invoking(() => router.GetModelConfig((EffortLevel)5)).Should().Throw<ArgumentOutOfRangeException>();
        await FluentActions.Invoking(() => router.CompleteAsync(new CompletionRequest("hi") { Effort = (EffortLevel)5 })).Should().ThrowAsync<ArgumentException>().WithMessage("*Effort '5'*");
        await FluentActions.Invoking(() => router.CompleteAsync(new CompletionRequest("hi") { MaxTokens = 0 })).Should().ThrowAsync<ArgumentException>().WithMessage("*MaxTokens '0'*");
    }
}
