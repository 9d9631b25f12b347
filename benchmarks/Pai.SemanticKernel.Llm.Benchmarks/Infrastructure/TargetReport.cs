using System.Globalization;
using System.Text;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using Pai.SemanticKernel.Llm.Benchmarks.InProcess;
using Pai.SemanticKernel.Llm.Benchmarks.Loopback;

namespace Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

/// <summary>
/// Turns the run's summaries into the issue's target table: each comparison as router / direct from this same run, and
/// PASS or MISS per target. Printed, and written to <c>results/targets.md</c> beside BenchmarkDotNet's own reports.
/// </summary>
internal static class TargetReport
{
    internal static void Write(Summary[] summaries, RunMode mode, TextWriter console)
    {
        var reports = new Reports(summaries);
        var text = new StringBuilder();
        text.AppendLine("## Targets (router / direct, measured in this run)").AppendLine();
        if (mode == RunMode.Dry)
        {
            text.AppendLine("Dry run: every benchmark ran once; the figures are not measurements and no target is judged.").AppendLine();
        }

        text.AppendLine("| measure | target | direct | router | router / direct | added by the router | result |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (string row in TargetRows(reports, mode))
        {
            text.AppendLine(row);
        }

        text.AppendLine().AppendLine("## Latency distribution (one request per iteration, loopback HTTP)").AppendLine();
        text.AppendLine("| measure | client | mean | p50 | p90 | p99 | allocated |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (string row in LatencyRows(reports))
        {
            text.AppendLine(row);
        }

        string markdown = text.ToString();
        console.WriteLine();
        console.WriteLine(markdown);
        string directory = summaries[0].ResultsDirectoryPath;
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "targets.md");
        File.WriteAllText(path, markdown);
        console.WriteLine($"Target table written to {path}");
    }

    private static IEnumerable<string> TargetRows(Reports reports, RunMode mode)
    {
        // Added time and allocation per non-streaming call, in-process.
        Statistics? direct = reports.Stats(typeof(InProcessResponseBenchmarks), nameof(InProcessResponseBenchmarks.Direct));
        Statistics? router = reports.Stats(typeof(InProcessResponseBenchmarks), nameof(InProcessResponseBenchmarks.Router));
        yield return direct is null || router is null
            ? NotRun("added time per non-streaming call, in-process", "≤ 1 µs")
            : Row("added time per non-streaming call, in-process", "≤ 1 µs", Time(direct.Mean), Time(router.Mean), Ratio(router.Mean / direct.Mean),
                Time(router.Mean - direct.Mean), Verdict(mode, router.Mean - direct.Mean <= 1_000));

        long? directBytes = reports.Allocated(typeof(InProcessResponseBenchmarks), nameof(InProcessResponseBenchmarks.Direct));
        long? routerBytes = reports.Allocated(typeof(InProcessResponseBenchmarks), nameof(InProcessResponseBenchmarks.Router));
        yield return directBytes is not { } db || routerBytes is not { } rb
            ? NotRun("added allocation per non-streaming call", "≤ 1 KB")
            : Row("added allocation per non-streaming call", "≤ 1 KB", Bytes(db), Bytes(rb), Ratio((double)rb / Math.Max(db, 1)),
                Bytes(rb - db), Verdict(mode, rb - db <= 1024));

        // Per streamed update: the slope between 1-update and 200-update streams, so that per-request costs drop out.
        yield return StreamingRow(reports, mode);

        // Loopback throughput: requests per second is the inverse of the mean time per request.
        foreach (int callers in new[] { 1, 32 })
        {
            Statistics? d = reports.Stats(typeof(LoopbackThroughputBenchmarks), nameof(LoopbackThroughputBenchmarks.Direct), ("Callers", callers));
            Statistics? r = reports.Stats(typeof(LoopbackThroughputBenchmarks), nameof(LoopbackThroughputBenchmarks.Router), ("Callers", callers));
            string measure = $"loopback throughput, {callers} caller{(callers == 1 ? "" : "s")}";
            yield return d is null || r is null
                ? NotRun(measure, "≥ 0.97")
                : Row(measure, "≥ 0.97", PerSecond(d.Mean), PerSecond(r.Mean), Ratio(d.Mean / r.Mean),
                    Time(r.Mean - d.Mean) + " per request", Verdict(mode, d.Mean / r.Mean >= 0.97));
        }

        // Streaming time to first update (median: one stream per iteration).
        Statistics? directFirst = reports.Stats(typeof(LoopbackLatencyBenchmarks), nameof(LoopbackLatencyBenchmarks.DirectFirstUpdate));
        Statistics? routerFirst = reports.Stats(typeof(LoopbackLatencyBenchmarks), nameof(LoopbackLatencyBenchmarks.RouterFirstUpdate));
        yield return directFirst is null || routerFirst is null
            ? NotRun("streaming time to first update (median)", "≤ 1.03")
            : Row("streaming time to first update (median)", "≤ 1.03", Time(directFirst.Median), Time(routerFirst.Median),
                Ratio(routerFirst.Median / directFirst.Median), Time(routerFirst.Median - directFirst.Median),
                Verdict(mode, routerFirst.Median / directFirst.Median <= 1.03));

        // Failover: added median latency against the direct client sent straight to the secondary.
        Statistics? secondary = reports.Stats(typeof(FailoverBenchmarks), nameof(FailoverBenchmarks.DirectToSecondary));
        foreach ((string method, string measure, string target, double limit) in new[]
        {
            (nameof(FailoverBenchmarks.RouterPrimaryRefused), "failover, primary refuses connections (median)", "≤ 2 ms added", 2_000_000d),
            (nameof(FailoverBenchmarks.RouterPrimaryCooling), "failover, primary cooling down (median)", "≤ 50 µs added", 50_000d),
        })
        {
            Statistics? r = reports.Stats(typeof(FailoverBenchmarks), method);
            yield return secondary is null || r is null
                ? NotRun(measure, target)
                : Row(measure, target, Time(secondary.Median), Time(r.Median), Ratio(r.Median / secondary.Median),
                    Time(r.Median - secondary.Median), Verdict(mode, r.Median - secondary.Median <= limit));
        }
    }

    private static string StreamingRow(Reports reports, RunMode mode)
    {
        const string measure = "added time per streamed update";
        const string target = "≤ 50 ns, 0 B allocated";
        Type type = typeof(InProcessStreamingBenchmarks);
        Statistics? d1 = reports.Stats(type, nameof(InProcessStreamingBenchmarks.Direct), ("Updates", 1));
        Statistics? d200 = reports.Stats(type, nameof(InProcessStreamingBenchmarks.Direct), ("Updates", 200));
        Statistics? r1 = reports.Stats(type, nameof(InProcessStreamingBenchmarks.Router), ("Updates", 1));
        Statistics? r200 = reports.Stats(type, nameof(InProcessStreamingBenchmarks.Router), ("Updates", 200));
        long? da1 = reports.Allocated(type, nameof(InProcessStreamingBenchmarks.Direct), ("Updates", 1));
        long? da200 = reports.Allocated(type, nameof(InProcessStreamingBenchmarks.Direct), ("Updates", 200));
        long? ra1 = reports.Allocated(type, nameof(InProcessStreamingBenchmarks.Router), ("Updates", 1));
        long? ra200 = reports.Allocated(type, nameof(InProcessStreamingBenchmarks.Router), ("Updates", 200));
        if (d1 is null || d200 is null || r1 is null || r200 is null || da1 is null || da200 is null || ra1 is null || ra200 is null)
        {
            return NotRun(measure, target);
        }

        double directPerUpdate = (d200.Mean - d1.Mean) / 199;
        double routerPerUpdate = (r200.Mean - r1.Mean) / 199;
        double directBytes = (double)(da200.Value - da1.Value) / 199;
        double routerBytes = (double)(ra200.Value - ra1.Value) / 199;
        double addedTime = routerPerUpdate - directPerUpdate;
        double addedBytes = Math.Round(routerBytes - directBytes, 1);
        return Row(measure, target,
            $"{Time(directPerUpdate)}, {Bytes(directBytes)}",
            $"{Time(routerPerUpdate)}, {Bytes(routerBytes)}",
            Ratio(routerPerUpdate / directPerUpdate),
            $"{Time(addedTime)}, {Bytes(addedBytes)}",
            Verdict(mode, addedTime <= 50 && addedBytes <= 0));
    }

    private static IEnumerable<string> LatencyRows(Reports reports)
    {
        foreach ((string measure, string directMethod, string routerMethod) in new[]
        {
            ("non-streaming response", nameof(LoopbackLatencyBenchmarks.DirectResponse), nameof(LoopbackLatencyBenchmarks.RouterResponse)),
            ("time to first streamed update", nameof(LoopbackLatencyBenchmarks.DirectFirstUpdate), nameof(LoopbackLatencyBenchmarks.RouterFirstUpdate)),
        })
        {
            foreach ((string client, string method) in new[] { ("direct", directMethod), ("router", routerMethod) })
            {
                Statistics? s = reports.Stats(typeof(LoopbackLatencyBenchmarks), method);
                long? bytes = reports.Allocated(typeof(LoopbackLatencyBenchmarks), method);
                yield return s is null
                    ? $"| {measure} | {client} | not run | | | | |"
                    : $"| {measure} | {client} | {Time(s.Mean)} | {Time(s.Percentiles.P50)} | {Time(s.Percentiles.P90)} | {Time(s.Percentiles.Percentile(99))} | {(bytes is { } b ? Bytes(b) : "")} |";
            }
        }
    }

    private static string Row(string measure, string target, string direct, string router, string ratio, string added, string verdict) =>
        $"| {measure} | {target} | {direct} | {router} | {ratio} | {added} | {verdict} |";

    private static string NotRun(string measure, string target) => $"| {measure} | {target} | | | | | not run |";

    private static string Verdict(RunMode mode, bool pass) => mode == RunMode.Dry ? "(dry run)" : pass ? "**PASS**" : "**MISS**";

    private static string Ratio(double ratio) => ratio.ToString("0.000", CultureInfo.InvariantCulture);

    private static string PerSecond(double nanosecondsPerRequest) =>
        (1e9 / nanosecondsPerRequest).ToString("#,0", CultureInfo.InvariantCulture) + " req/s";

    internal static string Time(double nanoseconds)
    {
        double abs = Math.Abs(nanoseconds);
        return abs switch
        {
            < 1_000 => nanoseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ns",
            < 1_000_000 => (nanoseconds / 1_000).ToString("0.00", CultureInfo.InvariantCulture) + " µs",
            _ => (nanoseconds / 1_000_000).ToString("0.000", CultureInfo.InvariantCulture) + " ms",
        };
    }

    private static string Bytes(double bytes) => bytes.ToString("0.#", CultureInfo.InvariantCulture) + " B";

    /// <summary>The reports of every summary, found by benchmark class, method and parameter.</summary>
    private sealed class Reports(Summary[] summaries)
    {
        private readonly BenchmarkReport[] _all = [.. summaries.SelectMany(s => s.Reports)];

        internal Statistics? Stats(Type type, string method, (string Name, object Value)? parameter = null) =>
            Find(type, method, parameter) is { Success: true } report ? report.ResultStatistics : null;

        internal long? Allocated(Type type, string method, (string Name, object Value)? parameter = null) =>
            Find(type, method, parameter) is { Success: true } report ? report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) : null;

        private BenchmarkReport? Find(Type type, string method, (string Name, object Value)? parameter) =>
            _all.FirstOrDefault(r =>
                r.BenchmarkCase.Descriptor.Type == type &&
                r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method &&
                (parameter is not { } p || Equals(r.BenchmarkCase.Parameters[p.Name], p.Value)));
    }
}
