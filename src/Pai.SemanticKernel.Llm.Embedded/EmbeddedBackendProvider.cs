using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The <c>embedded</c> backend provider: in-process inference on a GGUF model file with llama.cpp (through LLamaSharp),
/// usable by name in any tier chain, for example as the offline default or as the last resort after the servers.
/// </summary>
/// <remarks>
/// <para>A backend of this provider reads <see cref="BackendOptions.ModelPath"/> (else the environment variable
/// <c>PAI_EMBEDDED_MODEL</c>), <see cref="BackendOptions.ContextSize"/> (default: the model's trained context, at most
/// 4096), <see cref="BackendOptions.Threads"/> (default: LLamaSharp's), <see cref="BackendOptions.MaxTokens"/> (default
/// 256), <see cref="BackendOptions.DownloadUrl"/> and <see cref="BackendOptions.Sha256"/>. <see cref="BackendOptions.Model"/>
/// is optional: it defaults to the file name without its extension.</para>
/// <para>Weights are loaded once per process, on first use, and shared; every request gets its own context, so concurrent
/// requests are safe. A missing file with a <see cref="BackendOptions.DownloadUrl"/> is downloaded once into the model
/// cache (see <see cref="EmbeddedProviderOptions.ModelCacheDirectory"/>), verified and renamed into place.</para>
/// <para>Register it with <see cref="EmbeddedModelRouterServicesExtensions.WithEmbedded"/> or by adding it to
/// <see cref="ModelRouterServices.Providers"/>.</para>
/// </remarks>
public sealed partial class EmbeddedBackendProvider : IChatBackendProvider
{
    private readonly EmbeddedProviderOptions _options;
    private readonly Func<string, string?> _environment;

    /// <summary>Initializes a provider.</summary>
    /// <param name="options">Cache directory, download progress, build-time checks; defaults when <see langword="null"/>.</param>
    public EmbeddedBackendProvider(EmbeddedProviderOptions? options = null)
        : this(options, Environment.GetEnvironmentVariable)
    {
    }

    internal EmbeddedBackendProvider(EmbeddedProviderOptions? options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        options ??= new EmbeddedProviderOptions();
        _options = new EmbeddedProviderOptions
        {
            ModelCacheDirectory = options.ModelCacheDirectory,
            DownloadProgress = options.DownloadProgress,
            CheckModelFileOnBuild = options.CheckModelFileOnBuild,
        };
        _environment = environment;
    }

    /// <summary>A provider with default settings.</summary>
    public static EmbeddedBackendProvider Default { get; } = new();

    /// <inheritdoc />
    public string Name => BackendProviders.Embedded;

    /// <summary>Where this provider keeps downloaded models.</summary>
    public string ModelCacheDirectory => ModelLocator.Value(_options.ModelCacheDirectory) is { } configured
        ? ModelLocator.ExpandPath(configured)
        : ModelLocator.DefaultCacheDirectory(_environment);

    /// <inheritdoc />
    public void Validate(string path, BackendOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);

        if (options.Endpoint is not null)
        {
            errors.Add($"{path}:Endpoint is set, but provider 'embedded' runs the model in-process and uses no endpoint: remove it, or use provider 'openai-compatible' for a server.");
        }

        if (options.ContextSize is <= 0)
        {
            errors.Add($"{path}:ContextSize '{options.ContextSize}' must be positive (tokens; for example 2048).");
        }

        if (options.Threads is <= 0)
        {
            errors.Add($"{path}:Threads '{options.Threads}' must be positive (or absent for LLamaSharp's default).");
        }

        bool urlUsable = true;
        if (options.DownloadUrl is { } url && !(url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add($"{path}:DownloadUrl '{ModelLocator.Describe(url)}' is not an absolute http(s) URI.");
            urlUsable = false;
        }

        if (ModelLocator.Value(options.Sha256) is { } sha && !Sha256Pattern().IsMatch(sha))
        {
            errors.Add($"{path}:Sha256 '{sha}' is not a SHA-256 digest: expected 64 hexadecimal digits.");
        }
        else if (options.Sha256 is not null && ModelLocator.Value(options.Sha256) is null)
        {
            errors.Add($"{path}:Sha256 is blank: remove it, or give the 64 hexadecimal digits of the model's SHA-256.");
        }

        if (options.Sha256 is not null && options.DownloadUrl is null)
        {
            errors.Add($"{path}:Sha256 is set without DownloadUrl: it checks downloads only.");
        }

        if (!urlUsable)
        {
            return;
        }

        ModelLocation? location = ModelLocator.Locate(options, ModelCacheDirectory, _environment);
        if (location is null)
        {
            errors.Add($"{path}:ModelPath is not set: name a GGUF model file (for example models/qwen2.5-0.5b-instruct-q4_k_m.gguf), set DownloadUrl, or set the environment variable {EmbeddedDefaults.ModelPathVariable}.");
            return;
        }

        if (!_options.CheckModelFileOnBuild || (location.DownloadUrl is not null && !File.Exists(location.Path)))
        {
            // Missing but downloadable: fetched on first use.
            return;
        }

        if (GgufFile.Problem(location.Path) is { } problem)
        {
            string setting = location.Source == ModelLocator.ModelPathSetting ? $"{path}:{ModelLocator.ModelPathSetting}" : location.Source;
            string hint = problem == "does not exist" ? " Point it at a GGUF file, or set DownloadUrl to download one." : "";
            errors.Add($"{setting} '{location.Path}' {problem}.{hint}");
        }
    }

    /// <inheritdoc />
    public IChatClient CreateClient(BackendContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        NativeLog.Attach(context.Services.LoggerFactory);
        return new EmbeddedChatClient(context.Name, context.Options, CreateSource(context));
    }

    /// <summary>
    /// Loads the model (downloading it first when it is missing and a URL is configured) and reports it healthy once it
    /// is in memory; unhealthy, with the file and the problem, when it cannot be found, downloaded or loaded.
    /// </summary>
    /// <param name="context">The backend and the host services.</param>
    /// <param name="cancellationToken">Stops waiting; a load or download in progress goes on for later requests.</param>
    /// <returns>The report; <see cref="BackendHealthReport.Endpoint"/> is <see langword="null"/> (in-process).</returns>
    public async Task<BackendHealthReport> CheckHealthAsync(BackendContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        NativeLog.Attach(context.Services.LoggerFactory);
        EmbeddedModelSource source = CreateSource(context);
        TimeProvider time = context.Services.TimeProvider;
        long started = time.GetTimestamp();
        try
        {
            await source.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return new BackendHealthReport(context.Name, Name, Endpoint: null, source.ModelName, Reachable: true, ModelListed: true,
                time.GetElapsedTime(started), Error: null)
            {
                ListedModels = [source.ModelName],
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Cancellation (including the router's probe timeout) propagates; the router reports it as a timeout.
            return new BackendHealthReport(context.Name, Name, Endpoint: null, source.ModelName, Reachable: false, ModelListed: null,
                time.GetElapsedTime(started), ex.Message);
        }
    }

    private EmbeddedModelSource CreateSource(BackendContext context) => new(
        context,
        ModelCacheDirectory,
        _environment,
        _options.DownloadProgress,
        context.Services.LoggerFactory.CreateLogger(EmbeddedLog.Category));

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
