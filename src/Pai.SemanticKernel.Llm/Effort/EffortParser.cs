using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm;

/// <summary>Reads effort values in the forms callers and Semantic Kernel produce.</summary>
internal static class EffortParser
{
    internal const string AllowedValues = "quick, standard, determined";

    // One boxed value per level: stamping an effort into a property bag then allocates nothing.
    private static readonly object[] BoxedLevels = [EffortLevel.Quick, EffortLevel.Standard, EffortLevel.Determined];

    /// <summary>Parses an effort name, case-insensitive. Numbers are not names and are refused.</summary>
    internal static bool TryParseName(string? value, out EffortLevel effort)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "quick": effort = EffortLevel.Quick; return true;
            case "standard": effort = EffortLevel.Standard; return true;
            case "determined": effort = EffortLevel.Determined; return true;
            default: effort = default; return false;
        }
    }

    /// <summary>Reads the effort in <paramref name="options"/>, or <see langword="null"/> when none is set.</summary>
    /// <exception cref="ArgumentException">The value is not an effort level.</exception>
    internal static EffortLevel? Read(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties ||
            !properties.TryGetValue(PaiPropertyNames.Effort, out object? raw) ||
            raw is null)
        {
            return null;
        }

        return Parse(raw, nameof(options));
    }

    /// <summary>Converts a raw effort value; throws an <see cref="ArgumentException"/> naming it when it is not one.</summary>
    internal static EffortLevel Parse(object raw, string parameterName)
    {
        switch (raw)
        {
            case EffortLevel level when IsLevel(level):
                return level;
            case string text when TryParseName(text, out EffortLevel parsed):
                return parsed;
            case JsonElement { ValueKind: JsonValueKind.String } element when TryParseName(element.GetString(), out EffortLevel parsed):
                return parsed;
            default:
                throw new ArgumentException(
                    $"Unknown effort {Describe(raw)} in ChatOptions.AdditionalProperties[\"{PaiPropertyNames.Effort}\"]. " +
                    $"Allowed values: {AllowedValues} (an EffortLevel or its name, any case).",
                    parameterName);
        }
    }

    /// <summary>Whether <paramref name="effort"/> is a defined level: a range check, as this runs on every request (the levels are 0, 1, 2).</summary>
    internal static bool IsLevel(EffortLevel effort) => (uint)effort <= (uint)EffortLevel.Determined;

    /// <summary>The effort as an <see cref="object"/> for a property bag, without boxing it anew each time.</summary>
    internal static object Boxed(EffortLevel effort) => (uint)effort < (uint)BoxedLevels.Length ? BoxedLevels[(int)effort] : effort;

    internal static string ToName(EffortLevel effort) => effort switch
    {
        EffortLevel.Quick => "quick",
        EffortLevel.Standard => "standard",
        EffortLevel.Determined => "determined",
        _ => ((int)effort).ToString(CultureInfo.InvariantCulture),
    };

    private static string Describe(object raw) => raw switch
    {
        string s => $"'{s}' (string)",
        JsonElement e => $"'{e.GetRawText()}' (JSON {e.ValueKind})",
        EffortLevel e => $"'{(int)e}' (EffortLevel value out of range)",
        _ => $"'{Convert.ToString(raw, CultureInfo.InvariantCulture)}' ({raw.GetType().Name})",
    };
}
