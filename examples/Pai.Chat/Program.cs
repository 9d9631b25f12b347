using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pai.Examples;
using Pai.SemanticKernel.Llm;

// Pai.Chat: ask the router one question from the command line, or show the health of every backend.
// Configured from the environment (see README: VLLM_ENDPOINT, USE_OLLAMA, OPENAI_API_KEY, ...); with no server
// configured it answers with the embedded model, in-process.

var prompt = new Argument<string[]>("prompt") { Description = "The question to ask.", Arity = ArgumentArity.ZeroOrMore };
var effort = new Option<string?>("--effort", "-e") { Description = "quick, standard or determined (default: the router's)." };
var stream = new Option<bool>("--stream", "-s") { Description = "Print the answer as it is generated." };
var health = new Option<bool>("--health") { Description = "Probe every backend and print a table instead of asking." };
var trace = new Option<bool>("--trace") { Description = "Print the router's spans (pai.route, pai.attempt) and metrics with OpenTelemetry's console exporter." };

var root = new RootCommand("Ask an effort-routed LLM a question (Pai.SemanticKernel.Llm example).") { prompt, effort, stream, health, trace };
root.SetAction(async (parse, cancellationToken) =>
{
    ModelRouter router;
    try
    {
        PaiLlmOptions options = ExampleModels.FromEnvironment();
        await Console.Error.WriteLineAsync(ExampleModels.Describe(options));
        router = new ModelRouter(options, new ModelRouterServices().WithEmbedded(new EmbeddedProviderOptions { DownloadProgress = new ConsoleDownloadProgress() }));
    }
    catch (OptionsValidationException ex)
    {
        await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
        return 2;
    }

    using (router)
    {
        // Declared inside the router's block so that they flush (metrics at exit) before the router closes its meter.
        bool tracing = parse.GetValue(trace);
        using TracerProvider? tracer = tracing ? Sdk.CreateTracerProviderBuilder().AddSource(PaiTelemetry.SourceName).AddConsoleExporter().Build() : null;
        using MeterProvider? meter = tracing ? Sdk.CreateMeterProviderBuilder().AddMeter(PaiTelemetry.MeterName).AddConsoleExporter().Build() : null;

        if (parse.GetValue(health))
        {
            return await PrintHealthAsync(router, cancellationToken);
        }

        string question = string.Join(' ', parse.GetValue(prompt) ?? []);
        if (string.IsNullOrWhiteSpace(question))
        {
            await Console.Error.WriteLineAsync("Give a prompt, for example: dotnet run --project examples/Pai.Chat -- \"Tell me a story\" (or --health).");
            return 2;
        }

        var request = new CompletionRequest(question);
        if (parse.GetValue(effort) is { } effortText)
        {
            if (!Enum.TryParse(effortText, ignoreCase: true, out EffortLevel level) || !Enum.IsDefined(level) || int.TryParse(effortText, out _))
            {
                await Console.Error.WriteLineAsync($"--effort '{effortText}' is not an effort level. Allowed values: quick, standard, determined.");
                return 2;
            }

            request.Effort = level;
        }

        try
        {
            if (parse.GetValue(stream))
            {
                string? servedBy = null;
                await foreach (ChatResponseUpdate update in router.StreamAsync(request, cancellationToken))
                {
                    servedBy ??= Describe(update.AdditionalProperties, update.ModelId);
                    Console.Write(update.Text);
                }

                Console.WriteLine();
                await Console.Error.WriteLineAsync($"-- served by {servedBy}");
            }
            else
            {
                ChatResponse response = await router.CompleteAsync(request, cancellationToken);
                Console.WriteLine(response.Text);
                await Console.Error.WriteLineAsync($"-- served by {Describe(response.AdditionalProperties, response.ModelId)}");
            }

            return 0;
        }
        catch (AllBackendsFailedException ex)
        {
            // The attempts say what failed; a stack trace would not.
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (BackendException ex)
        {
            await Console.Error.WriteLineAsync();
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return 130;
        }
    }
});

return await root.Parse(args).InvokeAsync();

static string Describe(AdditionalPropertiesDictionary? properties, string? model)
{
    object? backend = null;
    object? served = null;
    properties?.TryGetValue(PaiPropertyNames.Backend, out backend);
    properties?.TryGetValue(PaiPropertyNames.ServedEffort, out served);
    return $"{backend ?? "?"} ({model ?? "?"}), effort {served?.ToString()?.ToLowerInvariant() ?? "?"}";
}

static async Task<int> PrintHealthAsync(ModelRouter router, CancellationToken cancellationToken)
{
    IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync(cancellationToken);
    string[] header = ["backend", "model", "endpoint", "reachable", "model listed", "latency", "error"];
    List<string[]> rows = [header, .. reports.Select(r => new[]
    {
        r.Backend,
        r.Model,
        r.Endpoint ?? "(in-process)",
        r.Reachable ? "yes" : "NO",
        r.ModelListed switch { true => "yes", false => "NO", null => "?" },
        r.Latency.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
        r.Error ?? "",
    })];
    int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => rows.Max(row => row[i].Length))];
    foreach (string[] row in rows)
    {
        Console.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
    }

    IReadOnlyDictionary<string, bool> tiers = await router.HealthCheckAllAsync(cancellationToken);
    Console.WriteLine();
    Console.WriteLine("tiers: " + string.Join(", ", tiers.Select(t => $"{t.Key} {(t.Value ? "ok" : "DOWN")}")));
    return reports.Any(r => r.IsHealthy) ? 0 : 1;
}

/// <summary>Draws a model download as a one-line progress bar on standard error.</summary>
internal sealed class ConsoleDownloadProgress : IProgress<ModelDownloadProgress>
{
    public void Report(ModelDownloadProgress value)
    {
        int filled = (int)((value.Fraction ?? 0) * 30);
        Console.Error.Write($"\rDownloading {Path.GetFileName(value.Destination)} [{new string('#', filled)}{new string('.', 30 - filled)}] {value.BytesReceived / 1024} KiB");
        if (value.IsComplete)
        {
            Console.Error.WriteLine();
        }
    }
}
