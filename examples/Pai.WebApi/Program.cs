// An ASP.NET Core minimal API over the effort router.
//
//   dotnet run --project examples/Pai.WebApi
//   curl -s localhost:5000/chat -H 'Content-Type: application/json' -d '{"message":"Hello","effort":"quick"}'
//   curl -N localhost:5000/chat/stream -H 'Content-Type: application/json' -d '{"message":"Tell a story","effort":"determined"}'
//   curl -s localhost:5000/health
//
// Configuration: the Pai:Llm section (appsettings.json, or environment variables Pai__Llm__Backends__local__Endpoint=...;
// it reloads on change), else the seed's variables (VLLM_ENDPOINT, USE_OLLAMA, OLLAMA_ENDPOINT, OPENAI_API_KEY, ...).
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm;
using Pai.WebApi;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

IConfigurationSection section = builder.Configuration.GetSection(PaiLlmOptions.SectionName);
if (section.Exists())
{
    builder.Services.AddPaiEffortRouting(section).UseLogging();
}
else if (ServerSetup.SeedVariablesSet())
{
    builder.Services.AddPaiEffortRouting(PaiLlmOptions.FromEnvironment()).UseLogging();
}
else
{
    // A later version runs an embedded model here; for now a server must be configured.
    Console.Error.WriteLine(ServerSetup.NothingConfigured);
    return 2;
}

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<RouterProblems>();

WebApplication app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapChat();

// A plain health endpoint over HealthCheckAllAsync: per tier, whether one of its backends answers and lists its model.
app.MapGet("/health", async (IChatClient chat, CancellationToken cancellationToken) =>
{
    // The router new requests use (it follows configuration reloads).
    ModelRouter router = chat.GetService<ModelRouter>()!;
    IReadOnlyDictionary<string, bool> tiers = await router.HealthCheckAllAsync(cancellationToken);
    string status = tiers.Values.All(ok => ok) ? "healthy" : tiers.Values.Any(ok => ok) ? "degraded" : "unhealthy";
    return Results.Json(new { status, tiers }, statusCode: status == "unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
});

app.Run();
return 0;

/// <summary>The entry point, public so that tests can start the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
