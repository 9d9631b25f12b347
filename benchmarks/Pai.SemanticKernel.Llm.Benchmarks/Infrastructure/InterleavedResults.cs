using System.Text.Json;

namespace Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

/// <summary>One series of an interleaved comparison: its sample count and distribution, in nanoseconds.</summary>
public sealed record SeriesSummary(int Count, double Mean, double P50, double P90, double P99, double Sum);

/// <summary>
/// What an interleaved benchmark measured, written by its process (one file per scenario) and read by the target report.
/// </summary>
public sealed record InterleavedResult(string Scenario, Dictionary<string, SeriesSummary> Series, Dictionary<string, double> Ratios);

/// <summary>Where interleaved results go, and how they are written and read back.</summary>
internal static class InterleavedResults
{
    /// <summary>Set by the host process; BenchmarkDotNet's benchmark processes inherit it.</summary>
    internal const string DirectoryVariable = "PAI_BENCH_INTERLEAVED_DIR";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    internal static string? Directory => Environment.GetEnvironmentVariable(DirectoryVariable);

    internal static void Write(InterleavedResult result)
    {
        if (Directory is not { } directory)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, $"interleaved-{result.Scenario}.json"), JsonSerializer.Serialize(result, Json));
    }

    internal static InterleavedResult? Read(string directory, string scenario)
    {
        string path = Path.Combine(directory, $"interleaved-{scenario}.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<InterleavedResult>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>Removes the files of an earlier run, so that a report never shows figures this run did not measure.</summary>
    internal static void Clear(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            foreach (string file in System.IO.Directory.GetFiles(directory, "interleaved-*.json"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Summarizes samples in nanoseconds, leaving out the first tenth as warm-up.</summary>
    internal static SeriesSummary Summarize(IReadOnlyList<double> samples)
    {
        double[] kept = [.. samples.Skip(samples.Count / 10)];
        if (kept.Length == 0)
        {
            return new SeriesSummary(0, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        double[] sorted = [.. kept.Order()];
        return new SeriesSummary(kept.Length, kept.Average(), Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), kept.Sum());
    }

    /// <summary>The ratio of two series' totals over the rounds both measured (each round timed one of each).</summary>
    internal static double RatioOfSums(IReadOnlyList<double> numerator, IReadOnlyList<double> denominator)
    {
        int skip = Math.Min(numerator.Count, denominator.Count) / 10;
        return numerator.Skip(skip).Sum() / denominator.Skip(skip).Sum();
    }

    private static double Percentile(double[] sorted, double quantile)
    {
        double position = quantile * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
