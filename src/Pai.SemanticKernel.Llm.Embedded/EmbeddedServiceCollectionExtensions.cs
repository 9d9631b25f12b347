using Microsoft.Extensions.DependencyInjection.Extensions;
using Pai.SemanticKernel.Llm;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded provider in a service container.</summary>
public static class EmbeddedServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="EmbeddedBackendProvider"/> as an <see cref="IChatBackendProvider"/>, which routers built from
    /// the container pick up, so that backends with <c>"Provider": "embedded"</c> can be configured.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the provider's options (cache directory, download progress, build-time file check); the first registration wins.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddPaiEmbeddedBackend(this IServiceCollection services, Action<EmbeddedProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new EmbeddedProviderOptions();
        configure?.Invoke(options);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatBackendProvider, EmbeddedBackendProvider>(_ => new EmbeddedBackendProvider(options)));
        return services;
    }
}
