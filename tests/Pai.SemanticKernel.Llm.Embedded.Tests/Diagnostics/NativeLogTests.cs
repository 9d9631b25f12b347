using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Diagnostics;

/// <summary>llama.cpp has one log callback per process: tests that attach a logger run alone.</summary>
[CollectionDefinition(nameof(NativeLogCollection), DisableParallelization = true)]
public sealed class NativeLogCollection;

[Collection(nameof(NativeLogCollection))]
public sealed class NativeLogTests
{
    [Fact]
    public async Task Llama_cpp_output_and_the_missing_chat_template_are_logged_to_the_host_logger()
    {
        // A copy at a new path is loaded afresh (weights are shared per path), so the load's own lines are seen here.
        using var directory = new TempDirectory();
        string copy = directory.File("stories-copy.gguf");
        File.Copy(TestModel.Path, copy);
        using var logs = new FakeLoggerProvider();
        using ILoggerFactory loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using ModelRouter router = TestModel.Router(b => b.ModelPath = copy, services: new ModelRouterServices { LoggerFactory = loggerFactory });

        await router.GetResponseAsync(TestModel.Prompt());

        IReadOnlyList<FakeLogRecord> records = logs.Collector.GetSnapshot();
        records.Where(r => r.Category == "Pai.SemanticKernel.Llm.Embedded.LlamaCpp").Should()
            .Contain(r => r.Message.Contains("llama_model_loader") && r.Level == LogLevel.Debug, "llama.cpp's informational lines are routed, one per line, at Debug");
        records.Where(r => r.Category == "Pai.SemanticKernel.Llm.Embedded").Should()
            .Contain(r => r.Message.Contains(copy) && r.Message.Contains("has no chat template") && r.Level == LogLevel.Information);
    }
}
