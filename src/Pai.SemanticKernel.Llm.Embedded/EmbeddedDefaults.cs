using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Configurations that fall back to the embedded backend when no server is configured, so that an application (and the
/// examples) answers on a fresh machine with nothing running.
/// </summary>
public static class EmbeddedDefaults
{
    /// <summary>The name of the embedded backend in the configurations built here: <c>embedded</c>.</summary>
    public const string BackendName = "embedded";

    /// <summary>The environment variable that gives the GGUF model file when no configuration does: <c>PAI_EMBEDDED_MODEL</c>.</summary>
    public const string ModelPathVariable = "PAI_EMBEDDED_MODEL";

    /// <summary>The environment variable that moves the model cache: <c>PAI_MODEL_CACHE</c>.</summary>
    public const string ModelCacheVariable = "PAI_MODEL_CACHE";

    /// <summary>The download address of <see cref="StarterModel"/> (Hugging Face, <c>ggml-org/models</c>, pinned to one revision).</summary>
    public static readonly Uri StarterModelUrl = new("https://huggingface.co/ggml-org/models/resolve/499bc8821c6b12b4e53c5bffcb21ec206f212d81/tinyllamas/stories260K.gguf");

    /// <summary>The SHA-256 of <see cref="StarterModel"/>'s file.</summary>
    public const string StarterModelSha256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";

    /// <summary>
    /// The environment variables that configure a server (see <see cref="PaiLlmOptions.FromEnvironment"/>):
    /// <c>VLLM_ENDPOINT</c>, <c>LLM_ENDPOINT</c>, <c>USE_OLLAMA</c> (when true) and <c>LLM_PROVIDER</c>.
    /// </summary>
    public static IReadOnlyList<string> ServerVariables { get; } = ["VLLM_ENDPOINT", "LLM_ENDPOINT", "USE_OLLAMA", "LLM_PROVIDER"];

    /// <summary>
    /// A tiny model that runs anywhere: <c>stories260K</c> (1.2 MB; Andrej Karpathy's llama2.c TinyStories model, MIT, as
    /// converted to GGUF by ggml-org), downloaded on first use into the model cache from <see cref="StarterModelUrl"/> and
    /// checked against <see cref="StarterModelSha256"/>. It writes children's-story text, not answers: it proves the
    /// plumbing, not the quality. Each call returns a new instance.
    /// </summary>
    public static BackendOptions StarterModel => new()
    {
        Provider = BackendProviders.Embedded,
        Model = "stories260K",
        DownloadUrl = StarterModelUrl,
        Sha256 = StarterModelSha256,
        MaxTokens = 128,
    };

    /// <summary>Whether the environment configures a server: any of <see cref="ServerVariables"/> is set (<c>USE_OLLAMA</c> only when true).</summary>
    /// <returns><see langword="true"/> when <see cref="PaiLlmOptions.FromEnvironment"/> would target a server the user named.</returns>
    public static bool IsServerConfigured() => IsServerConfigured(Environment.GetEnvironmentVariable);

    /// <summary>A configuration whose every tier is served by one embedded backend named <see cref="BackendName"/>.</summary>
    /// <param name="model">The embedded backend's settings (its <see cref="BackendOptions.Provider"/> is set to <c>embedded</c>); they are copied.</param>
    /// <returns>A new options instance.</returns>
    public static PaiLlmOptions ForModel(BackendOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var options = new PaiLlmOptions();
        AddEverywhere(options, model);
        return options;
    }

    /// <summary>
    /// The configuration from environment variables, with the embedded backend as the offline default and the last resort:
    /// <list type="bullet">
    /// <item>When a server is configured (<see cref="IsServerConfigured()"/>): <see cref="PaiLlmOptions.FromEnvironment"/>, and
    /// when <c>PAI_EMBEDDED_MODEL</c> is set, an embedded backend on that file appended to <see cref="PaiLlmOptions.Fallback"/>,
    /// so it ends every tier's chain.</item>
    /// <item>Otherwise every tier is served by an embedded backend on <c>PAI_EMBEDDED_MODEL</c>, else on
    /// <paramref name="defaultModel"/>, else on <see cref="StarterModel"/>. <c>PAI_DEFAULT_EFFORT</c> and the cloud fallbacks
    /// (<c>PAI_FALLBACK_*</c>, <c>OPENAI_API_KEY</c>) apply as in <see cref="PaiLlmOptions.FromEnvironment"/>.</item>
    /// </list>
    /// </summary>
    /// <param name="defaultModel">The embedded model when no server and no <c>PAI_EMBEDDED_MODEL</c> is set; <see langword="null"/> for <see cref="StarterModel"/>.</param>
    /// <returns>A new options instance. Build the router with services that include the embedded provider (<see cref="EmbeddedModelRouterServicesExtensions.WithEmbedded"/>).</returns>
    /// <exception cref="OptionsValidationException">A variable has a bad value; the message names it.</exception>
    public static PaiLlmOptions FromEnvironment(BackendOptions? defaultModel = null) =>
        FromEnvironment(Environment.GetEnvironmentVariable, defaultModel);

    internal static bool IsServerConfigured(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (string name in ServerVariables)
        {
            if (ModelLocator.Value(environment(name)) is { } value &&
                (name != "USE_OLLAMA" || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" || value.Equals("yes", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    internal static PaiLlmOptions FromEnvironment(Func<string, string?> environment, BackendOptions? defaultModel)
    {
        PaiLlmOptions fromEnvironment = PaiLlmEnvironment.Read(environment);
        string? modelPath = ModelLocator.Value(environment(ModelPathVariable));
        if (IsServerConfigured(environment))
        {
            if (modelPath is not null)
            {
                fromEnvironment.Backends[BackendName] = new BackendOptions { Provider = BackendProviders.Embedded, ModelPath = modelPath };
                fromEnvironment.Fallback.Add(BackendName);
            }

            return fromEnvironment;
        }

        BackendOptions model = modelPath is not null
            ? new BackendOptions { Provider = BackendProviders.Embedded, ModelPath = modelPath }
            : defaultModel ?? StarterModel;
        var options = new PaiLlmOptions { DefaultEffort = fromEnvironment.DefaultEffort };
        AddEverywhere(options, model);
        foreach (string fallback in fromEnvironment.Fallback)
        {
            options.Backends[fallback] = fromEnvironment.Backends[fallback];
            options.Fallback.Add(fallback);
        }

        return options;
    }

    private static void AddEverywhere(PaiLlmOptions options, BackendOptions model)
    {
        BackendOptions backend = model.Clone();
        backend.Provider = BackendProviders.Embedded;
        options.Backends[BackendName] = backend;
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            options.Tier(effort).Backends.Add(BackendName);
        }
    }
}
