using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>What to download, where to, and who hears about it.</summary>
internal sealed record ModelDownload(
    Uri Url,
    string Target,
    string? Sha256,
    HttpClient Http,
    TimeSpan StallTimeout,
    ILogger Logger,
    IProgress<ModelDownloadProgress>? Progress);

/// <summary>
/// Downloads a model file once: into a temporary file beside the target, checked (GGUF magic bytes, SHA-256 when
/// configured) and then renamed, so the target never exists half-written and an interrupted download leaves nothing.
/// </summary>
/// <remarks>
/// A download is not tied to the request that started it: a request that gives up (its time budget, or the caller
/// cancelling) does not abort a transfer that other requests, or later ones, will use. Concurrent requests for the same
/// file share one transfer. A transfer that receives nothing for the backend's <see cref="BackendOptions.StallTimeout"/> fails.
/// </remarks>
internal static class ModelDownloader
{
    private const int BufferSize = 1 << 16;
    private const long UnknownSizeReportStep = 4 << 20;

    private static readonly ConcurrentDictionary<string, Lazy<Task>> Downloads = new(StringComparer.Ordinal);

    /// <summary>Completes when <see cref="ModelDownload.Target"/> exists, downloading it first if needed.</summary>
    /// <exception cref="EmbeddedModelException">The download failed; the message names the source, the file and the problem.</exception>
    internal static Task EnsureAsync(ModelDownload download)
    {
        if (File.Exists(download.Target))
        {
            return Task.CompletedTask;
        }

        Lazy<Task>? entry = null;
        entry = Downloads.GetOrAdd(download.Target, _ => new Lazy<Task>(() => RunOnceAsync(download, entry!)));
        return entry.Value;
    }

    private static async Task RunOnceAsync(ModelDownload download, Lazy<Task> entry)
    {
        try
        {
            await Task.Yield();
            if (!File.Exists(download.Target))
            {
                await DownloadAsync(download).ConfigureAwait(false);
            }
        }
        finally
        {
            // Forget the transfer once it has ended, so that a failed one can be tried again by a later request.
            Downloads.TryRemove(KeyValuePair.Create(download.Target, entry));
        }
    }

    private static async Task DownloadAsync(ModelDownload download)
    {
        string source = ModelLocator.Describe(download.Url);
        string directory = Path.GetDirectoryName(download.Target)!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(download.Target)}.{Guid.NewGuid():N}.partial");
        long started = Stopwatch.GetTimestamp();
        try
        {
            Directory.CreateDirectory(directory);
            using var budget = new CancellationTokenSource();
            Arm(budget, download.StallTimeout);
            using HttpResponseMessage response = await download.Http
                .GetAsync(download.Url, HttpCompletionOption.ResponseHeadersRead, budget.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }

            long? total = response.Content.Headers.ContentLength;
            EmbeddedLog.DownloadStarted(download.Logger, source, download.Target, total is { } size ? size.ToString("N0", CultureInfo.InvariantCulture) + " bytes" : "size unknown");

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] head = new byte[GgufFile.Magic.Length];
            int headLength = 0;
            long received = 0;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var reporter = new ProgressReporter(download, source, total);
                await using Stream body = await response.Content.ReadAsStreamAsync(budget.Token).ConfigureAwait(false);
                await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
                {
                    reporter.Report(0);
                    while (true)
                    {
                        Arm(budget, download.StallTimeout);
                        int read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), budget.Token).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        if (headLength < head.Length)
                        {
                            int take = Math.Min(head.Length - headLength, read);
                            buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                            headLength += take;
                        }

                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None).ConfigureAwait(false);
                        received += read;
                        reporter.Report(received);
                    }

                    reporter.Finish(received);
                    await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (total is { } expected && received != expected)
            {
                throw new IOException($"the transfer ended after {received:N0} of {expected:N0} bytes");
            }

            if (GgufFile.DescribeHead(head.AsSpan(0, headLength), received) is { } notGguf)
            {
                throw new InvalidDataException($"the downloaded file {notGguf}");
            }

            string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (download.Sha256 is { } wanted && !string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"its SHA-256 is {actual}, but Sha256 expects {wanted.ToLowerInvariant()}");
            }

            try
            {
                File.Move(temporary, download.Target, overwrite: false);
            }
            catch (IOException) when (File.Exists(download.Target))
            {
                // Another process finished the same download first; its verified copy is as good as this one.
                TryDelete(temporary);
            }

            EmbeddedLog.DownloadCompleted(download.Logger, download.Target, received, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                download.Sha256 is null ? "GGUF header checked, no Sha256 configured" : "GGUF header and SHA-256 verified");
        }
        catch (Exception ex)
        {
            TryDelete(temporary);
            EmbeddedLog.DownloadFailed(download.Logger, ex, source, download.Target);
            string problem = ex switch
            {
                OperationCanceledException => $"no data arrived for {download.StallTimeout.ToString("c", CultureInfo.InvariantCulture)} (StallTimeout)",
                HttpRequestException or InvalidDataException => ex.Message,
                IOException => $"the transfer broke off ({ex.Message})",
                _ => $"{ex.GetType().Name}: {ex.Message}",
            };
            // The cause is in the message and in the log entry above, not chained: the router reports a chained
            // HttpRequestException's own message ("Connection refused") instead of this one, which names the file.
            throw new EmbeddedModelException(download.Target,
                $"Model download failed: {problem}. From {source} (DownloadUrl) to '{download.Target}'; nothing was kept, the next request tries again.");
        }
    }

    private static void Arm(CancellationTokenSource budget, TimeSpan timeout)
    {
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            budget.CancelAfter(timeout);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover ".partial" file is never mistaken for the model.
        }
    }

    /// <summary>Reports progress at each whole percent (to the <see cref="IProgress{T}"/>) and each tenth (to the log).</summary>
    private sealed class ProgressReporter(ModelDownload download, string source, long? total)
    {
        private int _lastPercent = -1;
        private int _lastLoggedTenth;
        private long _lastReported = -1;

        internal void Report(long received)
        {
            if (total is > 0 and var size)
            {
                int percent = (int)Math.Min(100, received * 100 / size);
                if (percent == _lastPercent)
                {
                    return;
                }

                _lastPercent = percent;
                if (percent / 10 > _lastLoggedTenth)
                {
                    _lastLoggedTenth = percent / 10;
                    EmbeddedLog.DownloadProgress(download.Logger, Path.GetFileName(download.Target), percent, received, size);
                }
            }
            else if (received != 0 && received - _lastReported < UnknownSizeReportStep)
            {
                return;
            }

            _lastReported = received;
            download.Progress?.Report(new ModelDownloadProgress(source, download.Target, received, total));
        }

        /// <summary>The transfer ended: make sure the last figure was reported.</summary>
        internal void Finish(long received)
        {
            if (received != _lastReported)
            {
                _lastReported = received;
                download.Progress?.Report(new ModelDownloadProgress(source, download.Target, received, total));
            }
        }
    }
}
