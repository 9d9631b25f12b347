namespace Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

/// <summary>How long the benchmarks run.</summary>
internal enum RunMode
{
    /// <summary>Enough iterations for figures worth publishing (several minutes).</summary>
    Full,

    /// <summary>A quick look: few iterations, figures within a few percent.</summary>
    Short,

    /// <summary>Each benchmark once, to check that it runs (CI); the figures mean nothing.</summary>
    Dry,
}

/// <summary>Reads the run mode from the command line and leaves the rest to BenchmarkDotNet.</summary>
internal static class RunModeOption
{
    /// <summary>The mode of this run; the job configurations read it when BenchmarkDotNet builds the benchmark list.</summary>
    internal static RunMode Current { get; set; } = RunMode.Full;

    /// <summary>
    /// Takes <c>--short</c>, <c>--job short</c> and <c>--job dry</c> out of <paramref name="args"/>: the jobs of this suite
    /// are chosen per benchmark class (throughput or one request per iteration), so BenchmarkDotNet's own <c>--job</c>
    /// must not add a second job beside them.
    /// </summary>
    internal static (RunMode Mode, string[] Remaining) Parse(string[] args)
    {
        RunMode mode = RunMode.Full;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "--short")
            {
                mode = RunMode.Short;
            }
            else if (arg is "--job" or "-j")
            {
                string value = i + 1 < args.Length ? args[++i] : "";
                mode = value.ToLowerInvariant() switch
                {
                    "dry" => RunMode.Dry,
                    "short" or "shortrun" => RunMode.Short,
                    "default" or "full" => RunMode.Full,
                    _ => throw new ArgumentException($"--job '{value}' is not supported here: use --job dry, --job short (same as --short) or no --job for the full run.", nameof(args)),
                };
            }
            else
            {
                rest.Add(arg);
            }
        }

        return (mode, [.. rest]);
    }
}
