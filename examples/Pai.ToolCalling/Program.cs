// Tool calling with Microsoft.Extensions.AI alone: the router wrapped in a FunctionInvokingChatClient, tools made with
// AIFunctionFactory. Every round trip of the tool loop goes to the tier of the effort chosen for the question.
//
//   dotnet run --project examples/Pai.ToolCalling                                 a demo question at standard effort
//   dotnet run --project examples/Pai.ToolCalling -- --effort quick "your question"
//
// Configuration: a Pai:Llm section (appsettings.json next to the binary, or environment variables
// Pai__Llm__Backends__local__Endpoint=...), else the seed's variables (VLLM_ENDPOINT, USE_OLLAMA, OPENAI_API_KEY, ...),
// else, with no server configured, the embedded model (which answers in text and ignores tools).
using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Pai.SemanticKernel.Llm;

IConfiguration configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .Build();
IConfigurationSection section = configuration.GetSection(PaiLlmOptions.SectionName);
(EffortLevel? chosen, string? prompt) = Pai.Examples.ExampleArguments.Parse(args);
EffortLevel effort = chosen ?? EffortLevel.Standard;
string question = prompt
    ?? "It is 31 °C in Seville and 68 °F in Boston. Which city is warmer, by how many degrees Celsius, and how many days are left until 2027-01-01?";

ModelRouterServices services = new ModelRouterServices().WithEmbedded();
if (!section.Exists())
{
    Console.Error.WriteLine(Pai.Examples.ExampleModels.Describe(Pai.Examples.ExampleModels.FromEnvironment()));
}

using ModelRouter router = section.Exists() ? ModelRouter.FromConfiguration(section, services) : new ModelRouter(Pai.Examples.ExampleModels.FromEnvironment(), services);
IReadOnlyList<BackendHealthReport> health = await router.CheckBackendsAsync();
if (!health.Any(r => r.Reachable))
{
    foreach (BackendHealthReport report in health)
    {
        Console.Error.WriteLine($"backend '{report.Backend}' ({report.Model} at {report.Endpoint}): {report.Error}");
    }

    Console.Error.WriteLine("No configured backend answers. Start the server or fix the endpoint, then run again.");
    return 3;
}

// The function-invoking client runs the tools the model asks for and sends the results back, until the model answers.
IChatClient client = new ChatClientBuilder(router)
    .UseFunctionInvocation(configure: invoker => invoker.MaximumIterationsPerRequest = 8)
    .Build();

var options = new ChatOptions
{
    Tools =
    [
        AIFunctionFactory.Create(Tools.Today, "today"),
        AIFunctionFactory.Create(Tools.ConvertTemperature, "convert_temperature"),
        AIFunctionFactory.Create(Tools.DaysBetween, "days_between"),
    ],
}.WithEffort(effort);

Console.WriteLine($"> {question}\n  effort: {effort.ToString().ToLowerInvariant()} (tier: {string.Join(" → ", router.GetChain(effort))})\n");
try
{
    string? backend = null;
    await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(
        [new ChatMessage(ChatRole.System, "Use the tools for dates and unit conversions. Answer briefly."), new ChatMessage(ChatRole.User, question)],
        options))
    {
        if (update.AdditionalProperties?.TryGetValue(PaiPropertyNames.Backend, out object? served) == true)
        {
            backend = served as string;
            Console.ForegroundColor = ConsoleColor.DarkGray;
            Console.WriteLine($"  [round trip served by {backend}]");
            Console.ResetColor();
        }

        foreach (AIContent content in update.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    Console.ForegroundColor = ConsoleColor.DarkCyan;
                    Console.WriteLine($"  calls {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}={a.Value}") ?? [])})");
                    Console.ResetColor();
                    break;
                case FunctionResultContent result:
                    Console.ForegroundColor = ConsoleColor.DarkCyan;
                    Console.WriteLine($"  → {result.Result}");
                    Console.ResetColor();
                    break;
                case TextContent text:
                    Console.Write(text.Text);
                    break;
            }
        }
    }

    Console.WriteLine();
    return 0;
}
catch (AllBackendsFailedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

/// <summary>The tools offered to the model.</summary>
internal static class Tools
{
    [Description("Returns today's date (UTC) as yyyy-MM-dd.")]
    public static string Today() => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Description("Converts a temperature between Celsius (C) and Fahrenheit (F).")]
    public static string ConvertTemperature(
        [Description("The temperature value.")] double value,
        [Description("The unit of the value: C or F.")] string from,
        [Description("The unit to convert to: C or F.")] string to) => (from.Trim().ToUpperInvariant(), to.Trim().ToUpperInvariant()) switch
        {
            ("C", "F") => (value * 9 / 5 + 32).ToString("0.##", CultureInfo.InvariantCulture) + " °F",
            ("F", "C") => ((value - 32) * 5 / 9).ToString("0.##", CultureInfo.InvariantCulture) + " °C",
            ("C", "C") or ("F", "F") => value.ToString("0.##", CultureInfo.InvariantCulture) + " °" + to.Trim().ToUpperInvariant(),
            _ => $"Unknown units '{from}' → '{to}': use C or F.",
        };

    [Description("Counts the days from one date to another (yyyy-MM-dd); negative when the second is earlier.")]
    public static string DaysBetween(
        [Description("Start date, yyyy-MM-dd.")] string from,
        [Description("End date, yyyy-MM-dd.")] string to) =>
        DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly start) &&
        DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly end)
            ? (end.DayNumber - start.DayNumber).ToString(CultureInfo.InvariantCulture)
            : $"Dates must be yyyy-MM-dd; got '{from}' and '{to}'.";
}
