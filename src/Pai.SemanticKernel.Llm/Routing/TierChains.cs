namespace Pai.SemanticKernel.Llm;

/// <summary>Turns the configured tiers into the ordered chain of backends each effort level tries.</summary>
internal static class TierChains
{
    /// <summary>
    /// A tier's chain: its own backends in order; then, with <see cref="TierOptions.DegradeToLowerTiers"/>, each lower
    /// configured tier's backends (served at that lower effort); then the <see cref="PaiLlmOptions.Fallback"/> list. Each
    /// backend appears once, at its first position.
    /// </summary>
    internal static ChainLink[] Build(PaiLlmOptions options, EffortLevel effort, IReadOnlyDictionary<string, ChatBackend> backends)
    {
        var links = new List<ChainLink>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        TierOptions tier = TierFor(options, effort);
        AddAll(tier.Backends, effort);
        if (tier.DegradeToLowerTiers)
        {
            for (int lower = (int)effort - 1; lower >= 0; lower--)
            {
                if (options.Tiers.TryGetValue(EffortParser.ToName((EffortLevel)lower), out TierOptions? lowerTier) && lowerTier is not null)
                {
                    AddAll(lowerTier.Backends, (EffortLevel)lower);
                }
            }
        }

        AddAll(options.Fallback, effort);
        return [.. links];

        void AddAll(IEnumerable<string> names, EffortLevel served)
        {
            foreach (string name in names)
            {
                if (seen.Add(name))
                {
                    links.Add(new ChainLink(backends[name], served));
                }
            }
        }
    }

    /// <summary>The configured tier of <paramref name="effort"/>, or the tier of the default effort when it has none.</summary>
    internal static TierOptions TierFor(PaiLlmOptions options, EffortLevel effort) =>
        options.Tiers.TryGetValue(EffortParser.ToName(effort), out TierOptions? tier) && tier is not null
            ? tier
            : options.Tiers[EffortParser.ToName(options.DefaultEffort)];
}
