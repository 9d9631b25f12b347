namespace Pai.SemanticKernel.Llm;

/// <summary>Copies a <see cref="PaiLlmOptions"/> into the instance the options system creates.</summary>
internal static class PaiLlmOptionsCopy
{
    /// <summary>Copies every setting of <paramref name="source"/> into <paramref name="target"/> (backends cloned, so later changes to the source do not leak in).</summary>
    internal static void Into(PaiLlmOptions source, PaiLlmOptions target)
    {
        target.DefaultEffort = source.DefaultEffort;
        target.RequestTimeout = source.RequestTimeout;
        target.Cooldown = source.Cooldown is null ? null! : new CooldownOptions
        {
            FailureThreshold = source.Cooldown.FailureThreshold,
            Duration = source.Cooldown.Duration,
            MaxDuration = source.Cooldown.MaxDuration,
        };
        target.Health = source.Health is null ? null! : new HealthOptions
        {
            ProbeInterval = source.Health.ProbeInterval,
            ProbeTimeout = source.Health.ProbeTimeout,
            ValidateModelsOnStart = source.Health.ValidateModelsOnStart,
        };

        target.Backends.Clear();
        foreach ((string name, BackendOptions backend) in source.Backends)
        {
            target.Backends[name] = backend?.Clone()!;
        }

        target.Tiers.Clear();
        foreach ((string name, TierOptions tier) in source.Tiers)
        {
            if (tier is null)
            {
                target.Tiers[name] = null!;
                continue;
            }

            var copy = new TierOptions { DegradeToLowerTiers = tier.DegradeToLowerTiers };
            foreach (string backend in tier.Backends)
            {
                copy.Backends.Add(backend);
            }

            target.Tiers[name] = copy;
        }

        target.Fallback.Clear();
        foreach (string backend in source.Fallback)
        {
            target.Fallback.Add(backend);
        }
    }
}
