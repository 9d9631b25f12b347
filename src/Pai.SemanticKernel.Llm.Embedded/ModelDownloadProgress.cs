namespace Pai.SemanticKernel.Llm;

/// <summary>How far the download of an embedded backend's model has got.</summary>
/// <param name="Source">Where the model comes from: scheme, host and path of <see cref="BackendOptions.DownloadUrl"/> (no query string or user info).</param>
/// <param name="Destination">The file being written (it appears under this name only once complete and verified).</param>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The size announced by the server, or <see langword="null"/> when it announced none.</param>
public sealed record ModelDownloadProgress(string Source, string Destination, long BytesReceived, long? TotalBytes)
{
    /// <summary>The share received, from 0 to 1, or <see langword="null"/> when the size is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? Math.Min(1.0, (double)BytesReceived / total) : null;

    /// <summary>Whether the whole file has been received.</summary>
    public bool IsComplete => TotalBytes is { } total && BytesReceived >= total;
}
