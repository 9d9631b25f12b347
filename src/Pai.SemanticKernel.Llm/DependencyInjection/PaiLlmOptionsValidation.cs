using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Validates <see cref="PaiLlmOptions"/> for the options system (and so for <c>ValidateOnStart</c>) with the same rules and
/// messages as <see cref="ModelRouter"/>: every bad setting is named with its path and value.
/// </summary>
/// <remarks>
/// After the first router has been built, validation is left to the router built on each change (see
/// <see cref="RoutingConfigurationState"/>), which logs a rejected change instead of throwing it into the configuration system.
/// </remarks>
internal sealed class PaiLlmOptionsValidation(string configurationPath, IEnumerable<IChatBackendProvider> providers, RoutingConfigurationState state) : IValidateOptions<PaiLlmOptions>
{
    public ValidateOptionsResult Validate(string? name, PaiLlmOptions options)
    {
        if ((name is not null && name != Options.DefaultName) || state.RouterBuilt)
        {
            return ValidateOptionsResult.Skip;
        }

        // Providers registered in the container (for example the embedded one) are known to validation too.
        IReadOnlyList<string> errors = PaiLlmOptionsValidator.Validate(options, configurationPath, new BackendProviderRegistry(providers));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
