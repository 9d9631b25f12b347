using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm;

/// <summary>Fluent helpers to set and read the effort of a request on <see cref="ChatOptions"/>.</summary>
public static class EffortChatOptionsExtensions
{
    /// <summary>Sets the effort of requests made with these options and returns the same instance.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="effort">The effort level.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <remarks>The value is stored in <see cref="ChatOptions.AdditionalProperties"/> under <see cref="PaiPropertyNames.Effort"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="effort"/> is not a defined <see cref="EffortLevel"/>.</exception>
    public static ChatOptions WithEffort(this ChatOptions options, EffortLevel effort)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(effort))
        {
            throw new ArgumentOutOfRangeException(nameof(effort), effort, $"Unknown effort level {(int)effort}. Allowed values: {EffortParser.AllowedValues}.");
        }

        (options.AdditionalProperties ??= [])[PaiPropertyNames.Effort] = effort;
        return options;
    }

    /// <summary>Reads the effort of requests made with these options.</summary>
    /// <param name="options">The options to read; may be <see langword="null"/>.</param>
    /// <returns>The effort, or <see langword="null"/> when none is set (the router then uses its own).</returns>
    /// <exception cref="ArgumentException">The stored value is neither an <see cref="EffortLevel"/> nor the name of one.</exception>
    public static EffortLevel? GetEffort(this ChatOptions? options) => EffortParser.Read(options);
}
