using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

/// <summary>
/// The shared test model, <c>stories260K.gguf</c> (1.2 MB, llama architecture, no chat template), read from
/// <c>../shared/models/</c> beside the repository; never copied into it.
/// </summary>
internal static class TestModel
{
    internal const string FileName = "stories260K.gguf";
    internal const string Name = "stories260K";
    internal const string Sha256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";
    internal const long Length = 1_185_376;

    private static readonly Lazy<string> Located = new(Locate);

    /// <summary>The model's full path.</summary>
    internal static string Path => Located.Value;

    /// <summary>An embedded backend on the test model, sized for a shared 2-core machine: 1 thread, 256-token context, 8 tokens out.</summary>
    internal static BackendOptions Backend(Action<BackendOptions>? configure = null)
    {
        var backend = new BackendOptions
        {
            Provider = BackendProviders.Embedded,
            ModelPath = Path,
            ContextSize = 256,
            Threads = 1,
            MaxTokens = 8,
            Temperature = 0,
        };
        configure?.Invoke(backend);
        return backend;
    }

    /// <summary>A router whose every tier is one embedded backend named <c>local</c>.</summary>
    internal static ModelRouter Router(Action<BackendOptions>? configure = null, EmbeddedProviderOptions? provider = null, ModelRouterServices? services = null)
    {
        PaiLlmOptions options = EmbeddedDefaults.ForModel(Backend(configure));
        options.Backends["local"] = options.Backends[EmbeddedDefaults.BackendName];
        options.Backends.Remove(EmbeddedDefaults.BackendName);
        foreach (TierOptions tier in options.Tiers.Values)
        {
            tier.Backends.Clear();
            tier.Backends.Add("local");
        }

        return new ModelRouter(options, (services ?? new ModelRouterServices()).WithEmbedded(provider));
    }

    internal static List<ChatMessage> Prompt(string text = "Once upon a time") => [new(ChatRole.User, text)];

    /// <summary>Walks up from the test binaries to the folder holding the solution, then to <c>../shared/models</c>.</summary>
    private static string Locate()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Pai.SemanticKernel.Llm.sln")))
            {
                string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory.FullName, "..", "shared", "models", FileName));
                return File.Exists(path)
                    ? path
                    : throw new FileNotFoundException($"The test model is not at '{path}': it belongs in shared/models beside the repository (see shared/models/README.md).", path);
            }
        }

        throw new DirectoryNotFoundException($"No folder above '{AppContext.BaseDirectory}' holds Pai.SemanticKernel.Llm.sln.");
    }
}
