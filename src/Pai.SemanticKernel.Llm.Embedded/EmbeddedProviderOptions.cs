namespace Pai.SemanticKernel.Llm;

/// <summary>Settings of an <see cref="EmbeddedBackendProvider"/> that apply to all its backends.</summary>
public sealed class EmbeddedProviderOptions
{
    /// <summary>
    /// Where downloaded models are kept. Default: the environment variable <c>PAI_MODEL_CACHE</c>, else
    /// <c>{LocalApplicationData}/pai/models</c> (on Linux <c>~/.local/share/pai/models</c>, on Windows
    /// <c>%LOCALAPPDATA%\pai\models</c>).
    /// </summary>
    public string? ModelCacheDirectory { get; set; }

    /// <summary>Receives the progress of model downloads (for example to draw a progress bar). Progress is also logged every 10%.</summary>
    public IProgress<ModelDownloadProgress>? DownloadProgress { get; set; }

    /// <summary>
    /// Whether building a router checks each embedded backend's model file: that it exists (unless a
    /// <see cref="BackendOptions.DownloadUrl"/> can fetch it) and starts with the GGUF magic bytes. Default
    /// <see langword="true"/>: a wrong path fails at start-up with a message naming the file. Turn it off when the file
    /// appears only after start-up; requests then fail over, and health reports say why, until it is there.
    /// </summary>
    public bool CheckModelFileOnBuild { get; set; } = true;
}
