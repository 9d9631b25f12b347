using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Pai.SemanticKernel.Llm.Benchmarks.Infrastructure;

// Full run:    dotnet run -c Release --project benchmarks/Pai.SemanticKernel.Llm.Benchmarks
// Quick look:  ... -- --short
// CI check:    ... -- --job dry
// One group:   ... -- --short --filter '*Failover*'
(RunMode mode, string[] rest) = RunModeOption.Parse(args);
RunModeOption.Current = mode;
if (!rest.Any(a => a is "--filter" or "-f" or "--list" or "--allCategories" or "--anyCategories"))
{
    // Without a filter BenchmarkDotNet asks which benchmarks to run; this suite runs them all.
    rest = [.. rest, "--filter", "*"];
}

// The interleaved benchmarks write their comparison where the report reads it; files of an earlier run are removed first.
string artifacts = Path.GetFullPath("BenchmarkDotNet.Artifacts");
string results = Path.Combine(artifacts, "results");
InterleavedResults.Clear(results);
Environment.SetEnvironmentVariable(InterleavedResults.DirectoryVariable, results);

IConfig config = DefaultConfig.Instance.WithArtifactsPath(artifacts).WithOptions(ConfigOptions.StopOnFirstError);
Summary[] summaries = [.. BenchmarkSwitcher.FromAssembly(typeof(RunModeOption).Assembly).Run(rest, config)];
if (summaries.Length == 0)
{
    return 0;
}

TargetReport.Write(summaries, mode, Console.Out);
bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
return failed ? 1 : 0;
