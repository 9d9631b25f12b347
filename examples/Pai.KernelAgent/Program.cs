// A Semantic Kernel agent with three plugins (clock, calculator, notes in ./notes) that picks an effort per task.
//
//   dotnet run --project examples/Pai.KernelAgent                      runs three demo tasks (quick, standard, determined)
//   dotnet run --project examples/Pai.KernelAgent -- "your task"        chooses the effort from the task
//   dotnet run --project examples/Pai.KernelAgent -- --effort determined "your task"
//
// Configuration: a Pai:Llm section from appsettings.json next to the binary or from environment variables
// (Pai__Llm__Backends__local__Endpoint=..., see docs/semantic-kernel-and-di.md), else the seed's variables
// (VLLM_ENDPOINT, USE_OLLAMA, OLLAMA_ENDPOINT, OPENAI_API_KEY, ...).
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Pai.KernelAgent;
using Pai.SemanticKernel.Llm;

IConfiguration configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .Build();
IConfigurationSection section = configuration.GetSection(PaiLlmOptions.SectionName);

(EffortLevel? forcedEffort, string? task) = Pai.Examples.ExampleArguments.Parse(args);
IKernelBuilder builder = Kernel.CreateBuilder();
builder.Services.AddPaiEmbeddedBackend();
ChatClientBuilder pipeline;
if (section.Exists())
{
    pipeline = builder.AddPaiEffortRouting(section);
}
else
{
    // The seed's variables (VLLM_ENDPOINT, USE_OLLAMA, ...), or with no server configured the embedded model.
    PaiLlmOptions options = Pai.Examples.ExampleModels.FromEnvironment();
    Console.Error.WriteLine(Pai.Examples.ExampleModels.Describe(options));
    pipeline = builder.AddPaiEffortRouting(options);
}

// Middleware inside the tool loop: shows that every round trip of a task goes to the same tier.
pipeline.Use(async (messages, options, next, cancellationToken) =>
{
    Console.ForegroundColor = ConsoleColor.DarkGray;
    Console.WriteLine($"  [round trip, effort {options?.GetEffort()?.ToString().ToLowerInvariant() ?? "default"}]");
    Console.ResetColor();
    await next(messages, options, cancellationToken);
});
builder.Services.AddSingleton<IAutoFunctionInvocationFilter, ToolCallPrinter>();
builder.Plugins.AddFromObject(new ClockPlugin(TimeProvider.System), "clock");
builder.Plugins.AddFromType<CalculatorPlugin>("calculator");
builder.Plugins.AddFromObject(new NotesPlugin(Path.Combine(AppContext.BaseDirectory, "notes")), "notes");
Kernel kernel = builder.Build();

ModelRouter router;
try
{
    router = kernel.GetRequiredService<ModelRouter>();
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    Console.Error.WriteLine($"The configuration is not valid:\n  {string.Join("\n  ", ex.Failures)}");
    return 2;
}

if (!await ServerSetup.AnyBackendReachableAsync(router))
{
    return 3;
}

(string Task, EffortLevel Effort)[] tasks = task is null
    ?
    [
        ("What is the date and time in UTC right now?", EffortLevel.Quick),
        ("A build takes 17.5 minutes and runs 38 times a day. How many hours is that per 30-day month? Use the calculator.", EffortLevel.Standard),
        ("Read the release plan in the notes. How many days are left until the release date, counting from today? " +
         "List each open risk with its owner, and say which one to tackle first and why.", EffortLevel.Determined),
    ]
    : [(task, forcedEffort ?? ChooseEffort(task))];

IChatCompletionService chat = kernel.GetRequiredService<IChatCompletionService>();
foreach ((string text, EffortLevel effort) in tasks)
{
    Console.WriteLine($"\n> {text}\n  effort: {effort.ToString().ToLowerInvariant()} (tier: {string.Join(" → ", router.GetChain(effort))})");
    var history = new ChatHistory(
        "You are a precise assistant. Use the clock for dates and times, the calculator for every computation, and the notes " +
        "for facts about the project. Answer briefly.");
    history.AddUserMessage(text);
    var settings = new PromptExecutionSettings
    {
        FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(),
        ExtensionData = new Dictionary<string, object> { [PaiPropertyNames.Effort] = effort.ToString().ToLowerInvariant() },
    };

    try
    {
        ChatMessageContent answer = await chat.GetChatMessageContentAsync(history, settings, kernel);
        Console.WriteLine($"\n{answer.Content}\n  (answered by {answer.ModelId})");
    }
    catch (AllBackendsFailedException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 1;
    }
}

return 0;

// Long or open-ended tasks deserve the large model; short look-ups the small one.
static EffortLevel ChooseEffort(string task)
{
    string lower = task.ToLowerInvariant();
    string[] hard = ["plan", "analy", "compare", "why", "suggest", "design", "risk", "explain"];
    if (lower.Length > 200 || hard.Any(lower.Contains))
    {
        return EffortLevel.Determined;
    }

    return lower.Length < 60 ? EffortLevel.Quick : EffortLevel.Standard;
}


/// <summary>Prints each tool call the agent makes.</summary>
internal sealed class ToolCallPrinter : IAutoFunctionInvocationFilter
{
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        await next(context);
        string arguments = string.Join(", ", context.Arguments?.Select(a => $"{a.Key}={a.Value}") ?? []);
        string result = (context.Result.GetValue<object>()?.ToString() ?? "").ReplaceLineEndings(" ");
        Console.ForegroundColor = ConsoleColor.DarkCyan;
        Console.WriteLine($"  {context.Function.PluginName}.{context.Function.Name}({arguments}) → {(result.Length > 80 ? result[..80] + "…" : result)}");
        Console.ResetColor();
    }
}
