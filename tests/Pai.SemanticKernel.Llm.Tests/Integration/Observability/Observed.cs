using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Observability;

/// <summary>
/// A router whose metrics and logs belong to one test: its own meter factory (so that metric collectors see only this
/// router, although tests run in parallel) and a fake log collector.
/// </summary>
internal sealed class Observed : IDisposable
{
    internal const string ApiKey = "sk-observability-secret-4711";

    private readonly ServiceProvider _container;
    private readonly ModelRouterServices _services;

    private Observed(PaiLlmOptions options, TimeProvider? time)
    {
        _container = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _container.GetRequiredService<IMeterFactory>();
        Logs = new FakeLogCollector();
        LoggerFactory = new LoggerFactory([new FakeLoggerProvider(Logs)]);
        _services = new ModelRouterServices { LoggerFactory = LoggerFactory, MeterFactory = MeterFactory, TimeProvider = time ?? TimeProvider.System };
        Options = options;
    }

    internal IMeterFactory MeterFactory { get; }

    internal FakeLogCollector Logs { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal PaiLlmOptions Options { get; }

    internal ModelRouter Router { get; private set; } = null!;

    /// <summary>Backends <c>a</c> (model-a) then <c>b</c> (model-b) in every tier, both with an API key.</summary>
    internal static Observed TwoBackends(ScriptedOpenAIServer server, TimeProvider? time = null, Uri? primaryEndpoint = null, Action<PaiLlmOptions>? configure = null)
    {
        var options = new PaiLlmOptions();
        options.Backends["a"] = RouterHarness.Backend(primaryEndpoint ?? server.V1Endpoint, RouterHarness.Primary, b => b.ApiKey = ApiKey);
        options.Backends["b"] = RouterHarness.Backend(server.V1Endpoint, RouterHarness.Secondary, b => b.ApiKey = ApiKey);
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            options.Tier(effort).Backends.Add("a");
            options.Tier(effort).Backends.Add("b");
        }

        configure?.Invoke(options);
        return Build(options, time);
    }

    internal static Observed Build(PaiLlmOptions options, TimeProvider? time = null)
    {
        var observed = new Observed(options, time);
        observed.Router = new ModelRouter(options, observed._services);
        return observed;
    }

    /// <summary>Collects one of this router's instruments.</summary>
    internal MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(MeterFactory, PaiTelemetry.MeterName, instrument);

    public void Dispose()
    {
        Router.Dispose();
        _services.Dispose();
        LoggerFactory.Dispose();
        _container.Dispose();
    }
}

/// <summary>
/// Captures the spans of one test with OpenTelemetry's in-memory exporter: the test runs under a root span, and only
/// spans of that trace are kept (the router's source is global, and other tests run in parallel).
/// </summary>
internal sealed class TraceCapture : IDisposable
{
    private static readonly ActivitySource TestSource = new("Pai.SemanticKernel.Llm.Tests.Observability");

    private readonly TraceCollection _spans;
    private readonly TracerProvider _provider;
    private readonly Activity _root;

    /// <summary>Starts capturing; call it in the test body so that the root span flows into the test's calls.</summary>
    internal TraceCapture(params string[] moreSources)
    {
        _spans = new TraceCollection();
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(TestSource.Name, PaiTelemetry.SourceName)
            .AddSource(moreSources)
            .AddInMemoryExporter(_spans)
            .Build();
        _root = TestSource.StartActivity("test root") ?? throw new InvalidOperationException("The test source has no listener.");
        _spans.TraceId = _root.TraceId;
    }

    /// <summary>The spans ended so far in this test's trace, in the order they ended (the root excluded).</summary>
    internal IReadOnlyList<Activity> Spans => _spans.Snapshot().Where(span => span.SpanId != _root.SpanId).ToList();

    internal IReadOnlyList<Activity> Named(string prefix) => Spans.Where(span => span.DisplayName.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    internal Activity Root => _root;

    public void Dispose()
    {
        _root.Dispose();
        _provider.Dispose();
    }

    /// <summary>What the in-memory exporter writes to: keeps one trace's spans, safe to read while other threads export.</summary>
    private sealed class TraceCollection : Collection<Activity>
    {
        private readonly Lock _gate = new();

        internal ActivityTraceId TraceId { get; set; }

        internal Activity[] Snapshot()
        {
            lock (_gate)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            if (item.TraceId != TraceId)
            {
                return;
            }

            lock (_gate)
            {
                base.InsertItem(Count, item);
            }
        }
    }
}

internal static class SpanExtensions
{
    internal static object? Tag(this Activity span, string name) => span.TagObjects.FirstOrDefault(tag => tag.Key == name).Value;

    internal static bool HasTag(this Activity span, string name) => span.TagObjects.Any(tag => tag.Key == name);
}

internal static class MeasurementExtensions
{
    internal static object? Tag<T>(this CollectedMeasurement<T> measurement, string name)
        where T : struct => measurement.Tags.TryGetValue(name, out object? value) ? value : null;
}
