using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;

namespace Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

/// <summary>
/// Jobs for operations measured by the thousand per iteration (in-process calls, batches of loopback requests): the
/// mean per operation is the figure.
/// </summary>
public sealed class ThroughputJobConfig : ManualConfig
{
    public ThroughputJobConfig() => AddJob(RunModeOption.Current switch
    {
        RunMode.Dry => Job.Dry,
        RunMode.Short => Job.ShortRun,
        _ => Job.Default.WithLaunchCount(1).WithWarmupCount(6).WithIterationCount(30).WithId("Full"),
    });
}

/// <summary>
/// Jobs that run one request per iteration, so that the iterations are the latency distribution (median and
/// percentiles, outliers kept: they are part of latency).
/// </summary>
public sealed class PerRequestJobConfig : ManualConfig
{
    public PerRequestJobConfig()
    {
        AddJob(RunModeOption.Current switch
        {
            RunMode.Dry => Job.Dry,
            RunMode.Short => PerRequest(warmup: 30, iterations: 300).WithId("ShortPerRequest"),
            _ => PerRequest(warmup: 100, iterations: 2000).WithId("PerRequest"),
        });
        AddColumn(StatisticColumn.Median, StatisticColumn.P90, StatisticColumn.P95);
    }

    // No forced GC between iterations (BenchmarkDotNet's default): a full collection before every request would measure
    // requests on cold caches and a cold thread pool, ten times slower than requests that follow each other.
    private static Job PerRequest(int warmup, int iterations) => Job.Default
        .WithStrategy(RunStrategy.Monitoring)
        .WithGcForce(false)
        .WithLaunchCount(1)
        .WithInvocationCount(1)
        .WithUnrollFactor(1)
        .WithWarmupCount(warmup)
        .WithIterationCount(iterations)
        .WithOutlierMode(OutlierMode.DontRemove);
}
