namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The router's configuration. Binds to a configuration section (conventionally <see cref="SectionName"/>) of this shape:
/// <code language="json">
/// {
///   "DefaultEffort": "standard",
///   "Backends": {
///     "vllm-7b":  { "Endpoint": "http://vllm-7b:8000/v1",  "Model": "Qwen/Qwen2.5-7B-Instruct", "MaxTokens": 2048 },
///     "openai":   { "Provider": "openai", "Model": "gpt-4o-mini", "ApiKey": "..." }
///   },
///   "Tiers": {
///     "quick":      { "Backends": [ "vllm-7b" ] },
///     "standard":   { "Backends": [ "vllm-7b" ] },
///     "determined": { "Backends": [ "vllm-7b" ] }
///   },
///   "Fallback": [ "openai" ]
/// }
/// </code>
/// </summary>
/// <remarks>
/// A tier's chain is its own backends in order, then (when <see cref="TierOptions.DegradeToLowerTiers"/> is set) the lower
/// tiers' backends, then <see cref="Fallback"/>, each backend at most once. A tier that is not configured uses the tier of
/// <see cref="DefaultEffort"/>.
/// </remarks>
public sealed class PaiLlmOptions
{
    /// <summary>The conventional configuration section: <c>Pai:Llm</c>.</summary>
    public const string SectionName = "Pai:Llm";

    /// <summary>The effort used when neither the request nor <see cref="ModelRouter.SetEffort"/> chose one. Default <see cref="EffortLevel.Standard"/>.</summary>
    public EffortLevel DefaultEffort { get; set; } = EffortLevel.Standard;

    /// <summary>The backends, by name (case-insensitive).</summary>
    public IDictionary<string, BackendOptions> Backends { get; } = new Dictionary<string, BackendOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tiers, keyed by effort name: <c>quick</c>, <c>standard</c>, <c>determined</c> (case-insensitive).</summary>
    public IDictionary<string, TierOptions> Tiers { get; } = new Dictionary<string, TierOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Backends tried, in order, after a tier's own backends have failed (typically cloud providers).</summary>
    public IList<string> Fallback { get; } = [];

    /// <summary>
    /// The deadline of one request across all its attempts: a later attempt gets only what is left. It bounds the time until
    /// a streamed answer starts, or until a non-streamed answer is complete. Default 3 minutes.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>When failing backends are skipped.</summary>
    public CooldownOptions Cooldown { get; set; } = new();

    /// <summary>Active health probing and start-up model validation.</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>
    /// Reads the configuration from environment variables, as the seed package did: <c>USE_OLLAMA</c> / <c>LLM_PROVIDER</c>,
    /// <c>OLLAMA_ENDPOINT</c>, <c>VLLM_ENDPOINT</c> / <c>LLM_ENDPOINT</c>, <c>VLLM_API_KEY</c> / <c>LLM_API_KEY</c>, plus
    /// <c>PAI_DEFAULT_EFFORT</c>, an OpenAI-compatible cloud fallback (<c>PAI_FALLBACK_ENDPOINT</c>, <c>PAI_FALLBACK_MODEL</c>,
    /// <c>PAI_FALLBACK_API_KEY</c>), OpenAI (<c>OPENAI_API_KEY</c>, <c>OPENAI_MODEL</c>, <c>OPENAI_BASE_URL</c>) and Anthropic
    /// (<c>ANTHROPIC_API_KEY</c>, <c>ANTHROPIC_MODEL</c> default <c>claude-haiku-4-5</c>, <c>ANTHROPIC_BASE_URL</c>), in that order;
    /// the two cloud providers are ignored when <c>PAI_CLOUD_FALLBACK=false</c>. With none set: <see cref="PaiPresets.DefaultVllm"/>.
    /// </summary>
    /// <returns>A new options instance.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A variable has a bad value; the message names it.</exception>
    public static PaiLlmOptions FromEnvironment() => PaiLlmEnvironment.Read(Environment.GetEnvironmentVariable);

    /// <summary>Returns the tier for <paramref name="effort"/>, creating an empty one when it is missing.</summary>
    /// <param name="effort">The effort level.</param>
    /// <returns>The tier's options.</returns>
    public TierOptions Tier(EffortLevel effort)
    {
        string name = EffortParser.ToName(effort);
        if (!Tiers.TryGetValue(name, out TierOptions? tier))
        {
            Tiers[name] = tier = new TierOptions();
        }

        return tier;
    }

    /// <summary>Returns a summary of backends and tiers; never an API key.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() =>
        $"DefaultEffort={EffortParser.ToName(DefaultEffort)}; Backends: {string.Join("; ", Backends.Select(b => $"{b.Key}={b.Value}"))}; " +
        $"Tiers: {string.Join("; ", Tiers.Select(t => $"{t.Key}={t.Value}"))}; Fallback: [{string.Join(", ", Fallback)}]";
}
