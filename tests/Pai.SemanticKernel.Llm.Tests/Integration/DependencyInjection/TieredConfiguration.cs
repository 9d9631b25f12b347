using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection;

/// <summary>
/// A <c>Pai:Llm</c> configuration whose tiers are distinct models on one scripted server: quick → <c>small</c>
/// (model-small), standard → <c>medium</c>, determined → <c>large</c>, each then the fallback <c>backup</c>; default standard.
/// </summary>
internal static class TieredConfiguration
{
    internal const string Small = "model-small";
    internal const string Medium = "model-medium";
    internal const string Large = "model-large";
    internal const string Backup = "model-backup";

    internal static string ModelOf(EffortLevel effort) => effort switch
    {
        EffortLevel.Quick => Small,
        EffortLevel.Standard => Medium,
        _ => Large,
    };

    internal static Dictionary<string, string?> Settings(Uri endpoint, string prefix = "Pai:Llm")
    {
        var settings = new Dictionary<string, string?> { [$"{prefix}:DefaultEffort"] = "standard" };
        foreach ((string name, string model) in new[] { ("small", Small), ("medium", Medium), ("large", Large), ("backup", Backup) })
        {
            settings[$"{prefix}:Backends:{name}:Endpoint"] = endpoint.ToString();
            settings[$"{prefix}:Backends:{name}:Model"] = model;
            settings[$"{prefix}:Backends:{name}:FirstTokenTimeout"] = "00:00:10";
            settings[$"{prefix}:Backends:{name}:StallTimeout"] = "00:00:10";
        }

        settings[$"{prefix}:Tiers:quick:Backends:0"] = "small";
        settings[$"{prefix}:Tiers:standard:Backends:0"] = "medium";
        settings[$"{prefix}:Tiers:determined:Backends:0"] = "large";
        settings[$"{prefix}:Fallback:0"] = "backup";
        return settings;
    }

    internal static IConfigurationRoot Build(Uri endpoint, Action<Dictionary<string, string?>>? change = null)
    {
        Dictionary<string, string?> settings = Settings(endpoint);
        change?.Invoke(settings);
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>The same configuration as <see cref="Settings"/>, as <see cref="PaiLlmOptions"/>.</summary>
    internal static PaiLlmOptions Options(Uri endpoint)
    {
        var options = new PaiLlmOptions { DefaultEffort = EffortLevel.Standard };
        foreach ((string name, string model, EffortLevel? tier) in new (string, string, EffortLevel?)[]
                 { ("small", Small, EffortLevel.Quick), ("medium", Medium, EffortLevel.Standard), ("large", Large, EffortLevel.Determined), ("backup", Backup, null) })
        {
            options.Backends[name] = new BackendOptions
            {
                Endpoint = endpoint,
                Model = model,
                FirstTokenTimeout = TimeSpan.FromSeconds(10),
                StallTimeout = TimeSpan.FromSeconds(10),
            };
            if (tier is { } effort)
            {
                options.Tier(effort).Backends.Add(name);
            }
        }

        options.Fallback.Add("backup");
        return options;
    }

    /// <summary>The models of the chat completion requests the server received, in order.</summary>
    internal static List<string?> ChatModels(this ScriptedOpenAIServer server) =>
        [.. server.Requests.Where(r => r.IsChatCompletion).Select(r => r.Model)];

    /// <summary>The <c>"messages"</c> of one recorded request.</summary>
    internal static JsonArray Messages(this RecordedRequest request) => request.Json!["messages"]!.AsArray();

    /// <summary>The contents of the <c>tool</c> messages of one recorded request, in order.</summary>
    internal static List<string> ToolResults(this RecordedRequest request) =>
        [.. request.Messages().Where(m => (string?)m!["role"] == "tool").Select(m => Text(m!["content"]))];

    /// <summary>The ids of the tool calls in the assistant messages of one recorded request, in order.</summary>
    internal static List<string> ToolCallIds(this RecordedRequest request) =>
        [.. request.Messages()
            .Where(m => (string?)m!["role"] == "assistant" && m!["tool_calls"] is JsonArray)
            .SelectMany(m => m!["tool_calls"]!.AsArray().Select(c => (string)c!["id"]!))];

    internal static List<RecordedRequest> ChatRequests(this ScriptedOpenAIServer server) => [.. server.Requests.Where(r => r.IsChatCompletion)];

    private static string Text(JsonNode? content) => content switch
    {
        JsonValue value => value.ToString(),
        JsonArray parts => string.Concat(parts.Select(p => (string?)p!["text"])),
        _ => Convert.ToString(content, CultureInfo.InvariantCulture) ?? "",
    };
}
