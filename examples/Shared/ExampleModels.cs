using Pai.SemanticKernel.Llm;

namespace Pai.Examples;

/// <summary>
/// What the examples run on: the servers named in the environment (VLLM_ENDPOINT, USE_OLLAMA, ...), or, with no server
/// configured, the embedded backend in every tier.
/// </summary>
internal static class ExampleModels
{
    private const string TestModel = "stories260K.gguf";

    /// <summary>
    /// The configuration from the environment, with the embedded starter model when no server is configured:
    /// <c>PAI_EMBEDDED_MODEL</c> if set, else the test model beside the repository (<c>../shared/models</c>) when present,
    /// else the starter model downloaded once into the per-user model cache.
    /// </summary>
    internal static PaiLlmOptions FromEnvironment() => EmbeddedDefaults.FromEnvironment(Starter());

    /// <summary>Where the embedded model came from, for the first line the examples print.</summary>
    internal static string Describe(PaiLlmOptions options) =>
        options.Backends.TryGetValue(EmbeddedDefaults.BackendName, out BackendOptions? embedded) && options.Tiers.Values.Any(t => t.Backends.Contains(EmbeddedDefaults.BackendName))
            ? $"No server configured: answering with the embedded model {embedded.Model ?? Path.GetFileNameWithoutExtension(embedded.ModelPath)} " +
              $"({embedded.ModelPath ?? "downloaded once into the model cache"}). Set VLLM_ENDPOINT or USE_OLLAMA=true to use a server."
            : $"Backends: {string.Join(", ", options.Backends.Select(b => $"{b.Key} ({b.Value.Model})"))}.";

    private static BackendOptions Starter()
    {
        BackendOptions starter = EmbeddedDefaults.StarterModel;
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "..", "shared", "models", TestModel);
                if (File.Exists(candidate))
                {
                    starter.ModelPath = Path.GetFullPath(candidate);
                    return starter;
                }
            }
        }

        return starter;
    }
}
