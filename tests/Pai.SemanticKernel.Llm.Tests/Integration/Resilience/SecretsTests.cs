using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Resilience;

/// <summary>
/// A known API key, echoed back by a hostile server in its error bodies, must not appear in any exception, description,
/// log line, trace or health output of the router.
/// </summary>
public sealed class SecretsTests : IAsyncLifetime
{
    private const string Key = "sk-pai-known-secret-7Qx9";

    private readonly List<string> _seen = [];
    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_api_key_appears_nowhere_even_when_servers_echo_it()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PaiTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Record(string.Join(";", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")) + activity.StatusDescription),
        };
        ActivitySource.AddActivityListener(listener);
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(new RecordingLoggerProvider(Record)).SetMinimumLevel(LogLevel.Trace));

        PaiLlmOptions options = new();
        options.Backends["a"] = Backend(_server.V1Endpoint, Primary, b => b.ApiKey = Key);
        options.Backends["b"] = Backend(_server.V1Endpoint, Secondary, b => b.ApiKey = Key);
        options.Tier(EffortLevel.Standard).Backends.Add("a");
        options.Tier(EffortLevel.Standard).Backends.Add("b");
        using var router = new ModelRouter(options, new ModelRouterServices { LoggerFactory = loggerFactory });

        // Exhaustion: both backends answer 401 quoting the key.
        _server.Always(null, EchoKey(401));
        Record(await Capture(() => router.GetResponseAsync(Hello())));
        Record(await Capture(() => Drain(router.GetStreamingResponseAsync(Hello()))));

        // A rejected request quoting the key.
        _server.Always(null, EchoKey(400));
        Record(await Capture(() => router.GetResponseAsync(Hello())));

        // A stream broken after content by an error event quoting the key.
        _server.Always(null, ScriptedReply.Text("one two three").ErrorEventAfterChunks(2, $"upstream rejected key {Key}"));
        Record(await Capture(() => Drain(router.GetStreamingResponseAsync(Hello()))));

        // Health output, descriptions, validation messages.
        _server.SetModelsReply(EchoKey(401));
        foreach (BackendHealthReport report in await router.CheckBackendsAsync())
        {
            Record(report.ToString());
        }

        Record(router.ToString());
        Record(options.ToString());
        Record(router.GetModelConfig(EffortLevel.Standard).ToString());
        options.Backends["a"].Endpoint = new Uri("not-absolute", UriKind.Relative);
        Record(await Capture(() => Task.FromResult(new ModelRouter(options))));

        _seen.Should().HaveCountGreaterThan(10, "the scenario must have produced output to scan");
        _seen.Should().NotContain(text => text.Contains(Key), "the API key must never appear");
        _seen.Should().Contain(text => text.Contains("***"), "an echoed key is masked where the text is kept");
    }

    private static ScriptedReply EchoKey(int status) => ScriptedReply.Custom(async context =>
    {
        string authorization = context.Request.Headers.Authorization.ToString();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { message = $"Incorrect API key provided: {authorization}", type = "invalid_request_error", code = "invalid_api_key" } }));
    });

    private static async Task Drain(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        await foreach (ChatResponseUpdate _ in updates)
        {
        }
    }

    private static async Task<string> Capture<T>(Func<Task<T>> call)
    {
        try
        {
            T result = await call();
            (result as IDisposable)?.Dispose();
            return "no exception";
        }
        catch (Exception ex)
        {
            return Describe(ex);
        }
    }

    private static async Task<string> Capture(Func<Task> call)
    {
        try
        {
            await call();
            return "no exception";
        }
        catch (Exception ex)
        {
            return Describe(ex);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        AllBackendsFailedException all => ex + string.Concat(all.Attempts.Select(a => a + a.Error.ToString())),
        OptionsValidationException validation => ex + string.Join(";", validation.Failures),
        _ => ex.ToString(),
    };

    private void Record(string text)
    {
        lock (_seen)
        {
            _seen.Add(text);
        }
    }

    private sealed class RecordingLoggerProvider(Action<string> record) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RecordingLogger(record);

        public void Dispose()
        {
        }

        private sealed class RecordingLogger(Action<string> record) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                record($"{formatter(state, exception)} {exception}");
        }
    }
}
