using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// One embedded backend's way to its model: find the file, download it when it is missing and a URL is configured, and
/// load it (once per process, shared through <see cref="ModelStore"/>).
/// </summary>
internal sealed class EmbeddedModelSource
{
    private readonly BackendContext _backend;
    private readonly string _cacheDirectory;
    private readonly Func<string, string?> _environment;
    private readonly IProgress<ModelDownloadProgress>? _progress;
    private volatile LoadedModel? _loaded;

    internal EmbeddedModelSource(BackendContext backend, string cacheDirectory, Func<string, string?> environment, IProgress<ModelDownloadProgress>? progress, ILogger logger)
    {
        _backend = backend;
        _cacheDirectory = cacheDirectory;
        _environment = environment;
        _progress = progress;
        Logger = logger;
        Location = ModelLocator.Locate(backend.Options, cacheDirectory, environment);
    }

    internal ILogger Logger { get; }

    /// <summary>Where the model is (or will be, once downloaded); <see langword="null"/> when nothing names one.</summary>
    internal ModelLocation? Location { get; }

    /// <summary>The model name: <see cref="BackendOptions.Model"/>, else the file name without its extension.</summary>
    internal string ModelName => ModelLocator.Value(_backend.Options.Model) ?? Location?.FileStem ?? _backend.Name;

    /// <summary>
    /// The loaded model. The work is shared and not cancellable (a load or download outlives the request that started
    /// it); callers wait for it with their own token.
    /// </summary>
    /// <exception cref="EmbeddedModelException">The model could not be found, downloaded or loaded; the message says which file and why.</exception>
    internal Task<LoadedModel> GetAsync()
    {
        LoadedModel? loaded = _loaded;
        return loaded is not null ? Task.FromResult(loaded) : LoadAsync();
    }

    private async Task<LoadedModel> LoadAsync()
    {
        // Located again on each try: the configured file may have appeared, or a download may have completed, since build time.
        ModelLocation location = ModelLocator.Locate(_backend.Options, _cacheDirectory, _environment)
            ?? throw new EmbeddedModelException("", $"Backend '{_backend.Name}' names no model: set ModelPath, DownloadUrl or the environment variable {EmbeddedDefaults.ModelPathVariable}.");

        if (location.DownloadUrl is { } url && !File.Exists(location.Path))
        {
            await ModelDownloader.EnsureAsync(new ModelDownload(url, location.Path, location.Sha256, _backend.GetHttpClient(),
                _backend.Options.StallTimeout, Logger, _progress)).ConfigureAwait(false);
        }
        else if (!File.Exists(location.Path))
        {
            throw new EmbeddedModelException(location.Path,
                $"Model file '{location.Path}' ({location.Source}) does not exist. Point {location.Source} at a GGUF file, or set DownloadUrl to download one.");
        }

        LoadedModel model = await ModelStore.GetAsync(location.Path, Logger).ConfigureAwait(false);
        _loaded = model;
        return model;
    }
}
