using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Whether the container's first router has been built, and the binding errors of configuration versions read after that.
/// </summary>
/// <remarks>
/// Until the first router exists, binding and validation throw (so <c>ValidateOnStart</c> stops the host). After that, a
/// configuration change that fails them must not throw: the options monitor would throw into whoever reloaded the
/// configuration (for a file, a background task nobody observes) and the change would be lost without a word. Instead the
/// options reach <see cref="ReloadingRouterClient"/>, which validates them again, logs what is wrong, and keeps the
/// previous router.
/// </remarks>
internal sealed class RoutingConfigurationState
{
    private readonly ConditionalWeakTable<PaiLlmOptions, OptionsValidationException> _bindErrors = [];
    private volatile bool _routerBuilt;

    /// <summary>Whether validation failures are reported to the router rather than thrown.</summary>
    internal bool RouterBuilt => _routerBuilt;

    internal void MarkRouterBuilt() => _routerBuilt = true;

    /// <summary>Binds <paramref name="options"/>; after start-up, a binding error is kept for the router instead of thrown.</summary>
    internal void Bind(Action<PaiLlmOptions> bind, PaiLlmOptions options)
    {
        try
        {
            bind(options);
        }
        catch (OptionsValidationException error) when (_routerBuilt)
        {
            _bindErrors.AddOrUpdate(options, error);
        }
    }

    /// <summary>The binding error of a configuration version read after start-up, if it had one.</summary>
    internal OptionsValidationException? BindErrorOf(PaiLlmOptions options) => _bindErrors.TryGetValue(options, out OptionsValidationException? error) ? error : null;
}
