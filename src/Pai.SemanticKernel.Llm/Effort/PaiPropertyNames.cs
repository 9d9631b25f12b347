namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Keys this library reads from <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> and writes to the
/// <c>AdditionalProperties</c> of responses and streaming updates.
/// </summary>
public static class PaiPropertyNames
{
    /// <summary>
    /// The request's effort (<c>"effort"</c>): an <see cref="EffortLevel"/> or its name, case-insensitive.
    /// The router consumes it; it is never sent to a backend.
    /// </summary>
    public const string Effort = "effort";

    /// <summary>The name of the backend that served a response (<c>"pai.backend"</c>), as configured under <c>Backends</c>.</summary>
    public const string Backend = "pai.backend";

    /// <summary>
    /// The effort level whose tier actually served a response (<c>"pai.effort"</c>), as an <see cref="EffortLevel"/>.
    /// It differs from the requested effort only when a degradation ladder moved the request to a lower tier.
    /// </summary>
    public const string ServedEffort = "pai.effort";
}
