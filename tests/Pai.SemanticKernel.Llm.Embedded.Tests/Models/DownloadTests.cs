using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Models;

/// <summary>Model acquisition: a missing file with a download URL is fetched from a loopback server into the cache.</summary>
public sealed class DownloadTests : IAsyncLifetime
{
    private readonly TempDirectory _cache = new();
    private readonly TempDirectory _models = new();
    private ModelFileServer _server = null!;

    public async Task InitializeAsync() => _server = await ModelFileServer.StartAsync(TestModel.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _cache.Dispose();
        _models.Dispose();
    }

    [Fact]
    public async Task A_missing_model_is_downloaded_once_into_the_cache_verified_and_used()
    {
        var progress = new RecordingProgress();
        using ModelRouter router = RouterDownloading(TestModel.Sha256, progress);

        ChatResponse[] responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => router.GetResponseAsync(TestModel.Prompt())));
        ChatResponse later = await router.GetResponseAsync(TestModel.Prompt());

        responses.Append(later).Should().OnlyContain(r => r.Text.Length > 0 && r.FinishReason != null);
        _server.Requests.Should().Be(1, "concurrent requests share one download and later ones use the cached file");
        string cached = _cache.Files.Should().ContainSingle().Subject;
        Path.GetFileName(cached).Should().Be(TestModel.FileName);
        new FileInfo(cached).Length.Should().Be(TestModel.Length);
        File.Exists(_models.File(TestModel.FileName)).Should().BeFalse("the configured path is never written: downloads go to the cache");
        progress.Reports.Should().NotBeEmpty();
        progress.Reports[^1].Should().Match<ModelDownloadProgress>(p => p.IsComplete && p.BytesReceived == TestModel.Length && p.Fraction == 1.0);
    }

    [Fact]
    public async Task An_interrupted_download_fails_and_leaves_nothing_in_the_cache()
    {
        _server.Reply = ModelFileReply.CutOffHalfway;
        using ModelRouter router = RouterDownloading(TestModel.Sha256);

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.IsHealthy.Should().BeFalse();
        report.Error.Should().StartWith("Model download failed: the transfer broke off")
            .And.Contain(_server.Url.ToString()).And.Contain("nothing was kept");
        _cache.Files.Should().BeEmpty("the partial file is deleted and the target never appears half-written");
    }

    [Fact]
    public async Task A_failed_download_is_tried_again_by_the_next_request()
    {
        _server.Reply = ModelFileReply.CutOffHalfway;
        using ModelRouter router = RouterDownloading(TestModel.Sha256);
        Func<Task> first = () => router.GetResponseAsync(TestModel.Prompt());
        await first.Should().ThrowAsync<AllBackendsFailedException>();

        _server.Reply = ModelFileReply.Whole;
        ChatResponse second = await router.GetResponseAsync(TestModel.Prompt());

        second.Text.Should().NotBeEmpty();
        _server.Requests.Should().Be(2);
    }

    [Fact]
    public async Task A_download_with_the_wrong_checksum_is_rejected_and_removed()
    {
        string wrong = new('0', 64);
        using ModelRouter router = RouterDownloading(wrong);

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.IsHealthy.Should().BeFalse();
        report.Error.Should().Contain($"its SHA-256 is {TestModel.Sha256}, but Sha256 expects {wrong}");
        _cache.Files.Should().BeEmpty();
    }

    [Fact]
    public async Task A_download_that_is_not_a_GGUF_file_is_rejected_and_removed()
    {
        _server.Reply = ModelFileReply.HtmlPage;
        using ModelRouter router = RouterDownloading(sha256: null);

        BackendHealthReport report = (await router.CheckBackendsAsync()).Single();

        report.Error.Should().Contain("is not a GGUF file").And.Contain("('<!DO')");
        _cache.Files.Should().BeEmpty();
    }

    private ModelRouter RouterDownloading(string? sha256, IProgress<ModelDownloadProgress>? progress = null) =>
        TestModel.Router(
            backend =>
            {
                backend.ModelPath = _models.File(TestModel.FileName);
                backend.DownloadUrl = _server.Url;
                backend.Sha256 = sha256;
            },
            new EmbeddedProviderOptions { ModelCacheDirectory = _cache.Path, DownloadProgress = progress });

    /// <summary>Records reports synchronously (<see cref="Progress{T}"/> would post them to the thread pool, out of order).</summary>
    private sealed class RecordingProgress : IProgress<ModelDownloadProgress>
    {
        private readonly List<ModelDownloadProgress> _reports = [];

        internal IReadOnlyList<ModelDownloadProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(ModelDownloadProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
