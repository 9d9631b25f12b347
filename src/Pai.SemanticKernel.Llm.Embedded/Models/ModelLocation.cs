using System.Security.Cryptography;
using System.Text;

namespace Pai.SemanticKernel.Llm;

/// <summary>Where an embedded backend's model file is, and how it got there.</summary>
/// <param name="Path">The full path of the GGUF file to load.</param>
/// <param name="Source">The setting that named it, for messages: <c>ModelPath</c>, <c>environment variable PAI_EMBEDDED_MODEL</c> or <c>DownloadUrl</c>.</param>
/// <param name="DownloadUrl">Where to download the file from when it is missing; <see langword="null"/> when it must exist.</param>
/// <param name="Sha256">The expected SHA-256 of a download, in hexadecimal, or <see langword="null"/>.</param>
internal sealed record ModelLocation(string Path, string Source, Uri? DownloadUrl, string? Sha256)
{
    /// <summary>The file name without its extension: the model name when <see cref="BackendOptions.Model"/> is not set.</summary>
    internal string FileStem => System.IO.Path.GetFileNameWithoutExtension(Path);
}

/// <summary>Resolves <see cref="BackendOptions.ModelPath"/>, <c>PAI_EMBEDDED_MODEL</c> and <see cref="BackendOptions.DownloadUrl"/> to a file.</summary>
internal static class ModelLocator
{
    internal const string ModelPathSetting = nameof(BackendOptions.ModelPath);
    internal const string DownloadUrlSetting = nameof(BackendOptions.DownloadUrl);

    /// <summary>The per-user model cache: <c>PAI_MODEL_CACHE</c>, else <c>{LocalApplicationData}/pai/models</c> (on Linux <c>~/.local/share/pai/models</c>).</summary>
    internal static string DefaultCacheDirectory(Func<string, string?> environment)
    {
        if (Value(environment(EmbeddedDefaults.ModelCacheVariable)) is { } configured)
        {
            return ExpandPath(configured);
        }

        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            // No home directory (some service accounts and containers): fall back to a per-machine temporary folder.
            root = Path.GetTempPath();
        }

        return Path.Combine(root, "pai", "models");
    }

    /// <summary>
    /// The file to load: the configured path (<see cref="BackendOptions.ModelPath"/>, else <c>PAI_EMBEDDED_MODEL</c>) when it
    /// exists or nothing can be downloaded, else the file's place in the cache. <see langword="null"/> when nothing names a model.
    /// </summary>
    internal static ModelLocation? Locate(BackendOptions options, string cacheDirectory, Func<string, string?> environment)
    {
        (string? configured, string source) = Value(options.ModelPath) is { } path
            ? (path, ModelPathSetting)
            : (Value(environment(EmbeddedDefaults.ModelPathVariable)), "environment variable " + EmbeddedDefaults.ModelPathVariable);

        if (configured is not null)
        {
            string full = ExpandPath(configured);
            if (options.DownloadUrl is null || File.Exists(full))
            {
                return new ModelLocation(full, source, null, null);
            }

            return new ModelLocation(CachePath(cacheDirectory, options.DownloadUrl, Path.GetFileName(full)), DownloadUrlSetting, options.DownloadUrl, Value(options.Sha256));
        }

        return options.DownloadUrl is { } url
            ? new ModelLocation(CachePath(cacheDirectory, url, null), DownloadUrlSetting, url, Value(options.Sha256))
            : null;
    }

    /// <summary>Makes a path absolute (relative to the current directory) and expands a leading <c>~</c> to the home directory.</summary>
    internal static string ExpandPath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "");
        }

        return Path.GetFullPath(path);
    }

    /// <summary>
    /// <c>{cache}/{first 12 hex digits of SHA-256(url)}/{file name}</c>: one folder per URL, so that two models that are
    /// both called <c>model.gguf</c> do not overwrite each other.
    /// </summary>
    internal static string CachePath(string cacheDirectory, Uri url, string? fileName)
    {
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)))[..12];
        string name = fileName ?? Path.GetFileName(Uri.UnescapeDataString(url.AbsolutePath));
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            name = "model.gguf";
        }

        return Path.Combine(cacheDirectory, key, name);
    }

    /// <summary>A URL for messages: scheme, host, port and path only, since user info and query strings can carry credentials (signed URLs).</summary>
    internal static string Describe(Uri url) =>
        url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : url.OriginalString;

    internal static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
