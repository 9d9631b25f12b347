using System.Reflection;

namespace Pai.SemanticKernel.Llm.Tests.Unit.DependencyInjection;

public sealed class PaiLlmOptionsCopyTests
{
    [Fact]
    public void Every_setting_is_copied_and_later_changes_to_the_source_do_not_leak()
    {
        PaiLlmOptions source = PaiPresets.DefaultVllm;
        source.DefaultEffort = EffortLevel.Determined;
        source.RequestTimeout = TimeSpan.FromSeconds(42);
        source.Cooldown = new CooldownOptions { FailureThreshold = 7, Duration = TimeSpan.FromSeconds(3), MaxDuration = TimeSpan.FromSeconds(9) };
        source.Health = new HealthOptions { ProbeInterval = TimeSpan.FromSeconds(11), ProbeTimeout = TimeSpan.FromSeconds(2), ValidateModelsOnStart = ModelValidationMode.Warn };
        source.Tier(EffortLevel.Determined).DegradeToLowerTiers = true;
        source.Backends["vllm-7b"].ApiKey = "key";
        source.Fallback.Add("vllm-7b");
        var target = new PaiLlmOptions();

        PaiLlmOptionsCopy.Into(source, target);
        source.Backends["vllm-7b"].Model = "changed";
        source.Tier(EffortLevel.Quick).Backends.Add("vllm-72b");

        target.Should().BeEquivalentTo(PaiPresetsWithChanges(), o => o.ComparingByMembers<PaiLlmOptions>());
        target.Backends["vllm-7b"].Model.Should().Be("Qwen/Qwen2.5-7B-Instruct");
        target.Tier(EffortLevel.Quick).Backends.Should().Equal("vllm-7b");
    }

    [Fact]
    public void The_copy_knows_every_public_setting_of_the_options_types()
    {
        // When a setting is added to the options, PaiLlmOptionsCopy must copy it too; this list makes that visible.
        string[] Settings(Type type) => [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order()];

        Settings(typeof(PaiLlmOptions)).Should().Equal("Backends", "Cooldown", "DefaultEffort", "Fallback", "Health", "RequestTimeout", "Tiers");
        Settings(typeof(CooldownOptions)).Should().Equal("Duration", "FailureThreshold", "MaxDuration");
        Settings(typeof(HealthOptions)).Should().Equal("ProbeInterval", "ProbeTimeout", "ValidateModelsOnStart");
        Settings(typeof(TierOptions)).Should().Equal("Backends", "DegradeToLowerTiers");
    }

    private static PaiLlmOptions PaiPresetsWithChanges()
    {
        PaiLlmOptions expected = PaiPresets.DefaultVllm;
        expected.DefaultEffort = EffortLevel.Determined;
        expected.RequestTimeout = TimeSpan.FromSeconds(42);
        expected.Cooldown = new CooldownOptions { FailureThreshold = 7, Duration = TimeSpan.FromSeconds(3), MaxDuration = TimeSpan.FromSeconds(9) };
        expected.Health = new HealthOptions { ProbeInterval = TimeSpan.FromSeconds(11), ProbeTimeout = TimeSpan.FromSeconds(2), ValidateModelsOnStart = ModelValidationMode.Warn };
        expected.Tier(EffortLevel.Determined).DegradeToLowerTiers = true;
        expected.Backends["vllm-7b"].ApiKey = "key";
        expected.Fallback.Add("vllm-7b");
        return expected;
    }
}
