using System.Text;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Start-up model validation (<c>Health:ValidateModelsOnStart</c> = <see cref="ModelValidationMode.Fail"/>) found backends
/// that do not serve their configured model. The message names each backend, its model and what it lists; never a secret.
/// </summary>
public sealed class ModelValidationException : Exception
{
    internal ModelValidationException(IReadOnlyList<BackendHealthReport> backends)
        : base(Compose(backends))
    {
        Backends = backends;
    }

    /// <summary>The reports of the backends whose model list lacks their configured model.</summary>
    public IReadOnlyList<BackendHealthReport> Backends { get; }

    private static string Compose(IReadOnlyList<BackendHealthReport> backends)
    {
        var text = new StringBuilder();
        text.Append(backends.Count == 1 ? "A backend does not" : $"{backends.Count} backends do not")
            .Append(" serve the model configured for it (Health:ValidateModelsOnStart is Fail):");
        foreach (BackendHealthReport report in backends)
        {
            text.AppendLine().Append("  backend '").Append(report.Backend).Append("': model '").Append(report.Model)
                .Append("' is not listed by ").Append(report.Endpoint ?? "(in-process)").Append(", which lists ")
                .Append(report.ListedModels.Count == 0 ? "no model" : string.Join(", ", report.ListedModels.Take(10).Select(m => $"'{m}'")))
                .Append('.');
        }

        text.AppendLine().Append("Fix the backend's Model setting, or serve that model there (vLLM --served-model-name, ollama pull).");
        return text.ToString();
    }
}
