namespace Pai.SemanticKernel.Llm;

/// <summary>Names under which the router publishes traces and metrics.</summary>
/// <remarks>
/// Enable them with OpenTelemetry: <c>tracing.AddSource(PaiTelemetry.SourceName)</c> and <c>metrics.AddMeter(PaiTelemetry.MeterName)</c>.
/// Each routed request is a <c>pai.route</c> span with one child <c>pai.attempt</c> span per backend tried.
/// </remarks>
public static class PaiTelemetry
{
    /// <summary>The name of the router's <see cref="System.Diagnostics.ActivitySource"/>: <c>Pai.SemanticKernel.Llm</c>.</summary>
    public const string SourceName = "Pai.SemanticKernel.Llm";

    /// <summary>The name of the router's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Pai.SemanticKernel.Llm</c>.</summary>
    public const string MeterName = "Pai.SemanticKernel.Llm";
}
