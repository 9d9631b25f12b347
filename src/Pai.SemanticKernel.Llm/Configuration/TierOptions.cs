namespace Pai.SemanticKernel.Llm;

/// <summary>One effort tier: binds to a <c>Tiers:{quick|standard|determined}</c> entry of the configuration section.</summary>
public sealed class TierOptions
{
    /// <summary>The names of the backends that serve this tier, tried in order (then the top-level <c>Fallback</c> list).</summary>
    public IList<string> Backends { get; } = [];

    /// <summary>
    /// When every backend of this tier has failed, continue with the next lower tier's backends
    /// (<c>determined</c> → <c>standard</c> → <c>quick</c>) before the cloud fallback. Default <see langword="false"/>.
    /// </summary>
    public bool DegradeToLowerTiers { get; set; }

    /// <summary>Returns the tier's backend names.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"[{string.Join(", ", Backends)}]{(DegradeToLowerTiers ? " then lower tiers" : "")}";
}
