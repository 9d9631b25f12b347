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
        string directory = summaries[0].ResultsDirectoryPath;
        var interleaved = new Interleaved(directory);
        var text = new StringBuilder();
        text.AppendLine("## Targets (router / direct, measured in this run)").AppendLine();
        if (mode == RunMode.Dry)
        {
            text.AppendLine("Dry run: every benchmark ran once; the figures are not measurements and no target is judged.").AppendLine();
        }

        text.AppendLine("| measure | target | direct | router | router / direct | added by the router | result |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (string row in TargetRows(reports, interleaved, mode))
        {
            text.AppendLine(row);
        }

        text.AppendLine().AppendLine("In-process rows: BenchmarkDotNet means of separate benchmarks (stable to a few ns). Loopback and failover rows: " +
            "the router and the direct client taking turns in one process (InterleavedLoopbackBenchmarks), so that the machine's drift hits both alike.");

        text.AppendLine().AppendLine("## Latency distribution, loopback HTTP (interleaved, one request at a time)").AppendLine();
        text.AppendLine("| measure | client | samples | mean | p50 | p90 | p99 |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (string row in InterleavedLatencyRows(interleaved))
        {
            text.AppendLine(row);
        }

        text.AppendLine().AppendLine("## Where the router's time goes, loopback HTTP (interleaved batches, 1 caller)").AppendLine();
        text.AppendLine("| layer | time per request (mean) | time per request (median batch) | added to the layer below | total / direct |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (string row in BreakdownRows(interleaved))
        {
            text.AppendLine(row);
        }

        text.AppendLine().AppendLine("## Latency distribution, loopback HTTP (separate benchmarks, one request per iteration)").AppendLine();
        text.AppendLine("| measure | client | mean | p50 | p90 | p99 | allocated |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (string row in LatencyRows(reports))
        {
            text.AppendLine(row);
        }

        string markdown = text.ToString();
        console.WriteLine();
        console.WriteLine(markdown);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "targets.md");
        File.WriteAllText(path, markdown);
        console.WriteLine($"Target table written to {path}");
    }

    private static IEnumerable<string> TargetRows(Reports reports, Interleaved interleaved, RunMode mode)
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

        // Loopback throughput from interleaved batches: the direct client's total time over the router's.
        foreach ((int callers, string scenario) in new[] { (1, InterleavedLoopbackBenchmarks.Throughput1), (32, InterleavedLoopbackBenchmarks.Throughput32) })
        {
            string measure = $"loopback throughput, {callers} caller{(callers == 1 ? "" : "s")}";
            InterleavedResult? result = interleaved.Get(scenario);
            if (result is null || !result.Series.TryGetValue("direct", out SeriesSummary? d) || !result.Series.TryGetValue("router", out SeriesSummary? r) ||
                !result.Ratios.TryGetValue("throughput", out double ratio))
            {
                yield return NotRun(measure, "≥ 0.97");
                continue;
            }

            double perRequestDirect = d.Mean / InterleavedLoopbackBenchmarks.RequestsPerBatch;
            double perRequestRouter = r.Mean / InterleavedLoopbackBenchmarks.RequestsPerBatch;
            yield return Row(measure, "≥ 0.97", PerSecond(perRequestDirect), PerSecond(perRequestRouter), Ratio(ratio),
                Time(perRequestRouter - perRequestDirect) + " per request", Verdict(mode, ratio >= 0.97));
        }

        // Streaming time to first update (median over interleaved single streams).
        InterleavedResult? latency = interleaved.Get(InterleavedLoopbackBenchmarks.Latency);
        if (latency is not null && latency.Series.TryGetValue("direct.first-update", out SeriesSummary? directFirst) &&
            latency.Series.TryGetValue("router.first-update", out SeriesSummary? routerFirst))
        {
            yield return Row("streaming time to first update (median)", "≤ 1.03", Time(directFirst.P50), Time(routerFirst.P50),
                Ratio(routerFirst.P50 / directFirst.P50), Time(routerFirst.P50 - directFirst.P50), Verdict(mode, routerFirst.P50 / directFirst.P50 <= 1.03));
        }
        else
        {
            yield return NotRun("streaming time to first update (median)", "≤ 1.03");
        }

        // Failover: added median latency against the direct client sent straight to the secondary.
        InterleavedResult? failover = interleaved.Get(InterleavedLoopbackBenchmarks.Failover);
        foreach ((string series, string measure, string target, double limit) in new[]
        {
            ("refused", "failover, primary refuses connections (median)", "≤ 2 ms added", 2_000_000d),
            ("cooling", "failover, primary cooling down (median)", "≤ 50 µs added", 50_000d),
        })
        {
            if (failover is not null && failover.Series.TryGetValue("direct", out SeriesSummary? secondary) && failover.Series.TryGetValue(series, out SeriesSummary? r))
            {
                yield return Row(measure, target, Time(secondary.P50), Time(r.P50), Ratio(r.P50 / secondary.P50),
                    Time(r.P50 - secondary.P50), Verdict(mode, r.P50 - secondary.P50 <= limit));
            }
            else
            {
                yield return NotRun(measure, target);
            }
        }
    }

    private static IEnumerable<string> BreakdownRows(Interleaved interleaved)
    {
        InterleavedResult? result = interleaved.Get(InterleavedLoopbackBenchmarks.Breakdown);
        string[] layers = InterleavedLoopbackBenchmarks.BreakdownLayers;
        string[] names =
        [
            "OpenAI SDK client, SDK defaults (direct)",
            "+ the router's HTTP handler, SDK retries and timeout off (the router's backend client)",
            "+ FallbackChatClient (watchdog, cooldown, failover bookkeeping, metadata)",
            "+ ModelRouter (request guard, effort resolution)",
        ];
        SeriesSummary? previous = null;
        for (int i = 0; i < layers.Length; i++)
        {
            if (result is null || !result.Series.TryGetValue(layers[i], out SeriesSummary? s))
            {
                yield return $"| {names[i]} | not run | | | |";
                continue;
            }

            string added = previous is null ? "" : Time(s.Mean - previous.Mean);
            string ratio = result.Ratios.TryGetValue(layers[i], out double r) ? Ratio(r) : "";
            yield return $"| {names[i]} | {Time(s.Mean)} | {Time(s.P50)} | {added} | {ratio} |";
            previous = s;
        }
    }

    private static IEnumerable<string> InterleavedLatencyRows(Interleaved interleaved)
    {
        foreach ((string scenario, string measure, string[] series) in new[]
        {
            (InterleavedLoopbackBenchmarks.Latency, "non-streaming response", new[] { "direct.response", "router.response" }),
            (InterleavedLoopbackBenchmarks.Latency, "time to first streamed update", new[] { "direct.first-update", "router.first-update" }),
            (InterleavedLoopbackBenchmarks.Failover, "failover", new[] { "direct", "refused", "cooling" }),
        })
        {
            InterleavedResult? result = interleaved.Get(scenario);
            foreach (string name in series)
            {
                string client = name switch
                {
                    "refused" => "router, primary refuses",
                    "cooling" => "router, primary cooling down",
                    "direct" => "direct to secondary",
                    _ => name[..name.IndexOf('.')],
                };
                yield return result is not null && result.Series.TryGetValue(name, out SeriesSummary? s)
                    ? $"| {measure} | {client} | {s.Count} | {Time(s.Mean)} | {Time(s.P50)} | {Time(s.P90)} | {Time(s.P99)} |"
                    : $"| {measure} | {client} | not run | | | | |";
            }
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

    /// <summary>The interleaved results this run wrote, by scenario.</summary>
    private sealed class Interleaved(string directory)
    {
        private readonly Dictionary<string, InterleavedResult?> _read = [];

        internal InterleavedResult? Get(string scenario)
        {
            if (!_read.TryGetValue(scenario, out InterleavedResult? result))
            {
                _read[scenario] = result = InterleavedResults.Read(directory, scenario);
            }

            return result;
        }
    }

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
