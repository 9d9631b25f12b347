using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>Binds a configuration section to <see cref="PaiLlmOptions"/>, turning binder failures into messages that name the setting.</summary>
internal static class PaiLlmConfiguration
{
    internal static PaiLlmOptions Bind(IConfiguration section, string path)
    {
        var options = new PaiLlmOptions();
        Bind(section, path, options);
        return options;
    }

    /// <summary>Binds onto <paramref name="options"/>; values the binder cannot convert are reported with their path and value.</summary>
    internal static void Bind(IConfiguration section, string path, PaiLlmOptions options)
    {
        var errors = new List<string>();
        ConfigurationShapeCheck.Check(section, typeof(PaiLlmOptions), path, errors);
        if (errors.Count == 0)
        {
            try
            {
                section.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                // For example "Failed to convert configuration value 'abc' at 'Pai:Llm:Backends:x:MaxTokens' to type 'System.Int32'."
                errors.Add($"{path}: {ex.Message}");
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(path, typeof(PaiLlmOptions), errors);
        }
    }
}
