namespace Pai.SemanticKernel.Llm;

/// <summary>
/// How much model a request deserves: the router maps each level to a tier of backends
/// (typically a small, a medium and a large model).
/// </summary>
/// <remarks>
/// In <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> the level is carried under
/// <see cref="PaiPropertyNames.Effort"/>, either as an <see cref="EffortLevel"/> or as its name in any case
/// (<c>"quick"</c>, <c>"QUICK"</c>), which is what Semantic Kernel produces from
/// <c>PromptExecutionSettings.ExtensionData["effort"]</c>.
/// </remarks>
public enum EffortLevel
{
    /// <summary>Fast, cheap answers: the small model tier.</summary>
    Quick = 0,

    /// <summary>The default: the medium model tier.</summary>
    Standard = 1,

    /// <summary>Hard problems: the large model tier.</summary>
    Determined = 2,
}
