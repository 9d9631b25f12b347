// An ASP.NET Core minimal API over the effort router.
//
//   dotnet run --project examples/Pai.WebApi
//   curl -s localhost:5000/chat -H 'Content-Type: application/json' -d '{"message":"Hello","effort":"quick"}'
//   curl -N localhost:5000/chat/stream -H 'Content-Type: application/json' -d '{"message":"Tell a story","effort":"determined"}'
//   curl -s localhost:5000/health
//
// Configuration: the Pai:Llm section (appsettings.json, or environment variables Pai__Llm__Backends__local__Endpoint=...;
// it reloads on change), else the seed's variables (VLLM_ENDPOINT, USE_OLLAMA, OLLAMA_ENDPOINT, OPENAI_API_KEY, ...),
// else, with no server configured, the embedded model in-process.
// Telemetry: traces and metrics of the router (and of Microsoft.Extensions.AI's chat span) go to the OTLP exporter when
// OTEL_EXPORTER_OTLP_ENDPOINT is set, else to the console; Telemetry:Exporter=none turns them off.
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pai.Examples;
using Pai.SemanticKernel.Llm;
using Pai.WebApi;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

builder.Services.AddPaiEmbeddedBackend();
IConfigurationSection section = builder.Configuration.GetSection(PaiLlmOptions.SectionName);
ChatClientBuilder chat;
if (section.GetChildren().Any(child => child.Key != "Health"))
{
    chat = builder.Services.AddPaiEffortRouting(section);
}
else
{
    PaiLlmOptions options = ExampleModels.FromEnvironment();
    Console.Error.WriteLine(ExampleModels.Describe(options));
    section.Bind("Health", options.Health);
    chat = builder.Services.AddPaiEffortRouting(options);
}

// MEAI's chat span around the router's pai.route span; logging of each call.
chat.UseOpenTelemetry().UseLogging();

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<RouterProblems>();
builder.Services.AddHealthChecks().AddPaiLlmBackends();

string exporter = builder.Configuration["Telemetry:Exporter"]
    ?? (string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ? "console" : "otlp");
if (!exporter.Equals("none", StringComparison.OrdinalIgnoreCase))
{
    bool otlp = exporter.Equals("otlp", StringComparison.OrdinalIgnoreCase);
    builder.Services.AddOpenTelemetry()
        .ConfigureResource(resource => resource.AddService("pai-webapi"))
        .WithTracing(tracing =>
        {
            tracing.AddSource(PaiTelemetry.SourceName, "Experimental.Microsoft.Extensions.AI").AddAspNetCoreInstrumentation();
            _ = otlp ? tracing.AddOtlpExporter() : tracing.AddConsoleExporter();
        })
        .WithMetrics(metrics =>
        {
            metrics.AddMeter(PaiTelemetry.MeterName, "Experimental.Microsoft.Extensions.AI").AddAspNetCoreInstrumentation();
            _ = otlp ? metrics.AddOtlpExporter() : metrics.AddConsoleExporter();
        });
}

WebApplication app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapChat();

// ASP.NET Core health checks over every backend: Healthy, Degraded (some backends down, every tier can still answer) or
// Unhealthy (a tier cannot answer; HTTP 503), with per-backend data and no secrets.
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });

app.Run();
return 0;

static Task WriteHealthAsync(HttpContext context, HealthReport report)
{
    context.Response.ContentType = "application/json";
    HealthReportEntry? routing = report.Entries.Values.Cast<HealthReportEntry?>().FirstOrDefault();
    return context.Response.WriteAsync(JsonSerializer.Serialize(new
    {
        status = report.Status.ToString().ToLowerInvariant(),
        description = routing?.Description,
        tiers = routing?.Data.GetValueOrDefault("tiers"),
        backends = routing?.Data.GetValueOrDefault("backends"),
    }));
}

/// <summary>The entry point, public so that tests can start the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
