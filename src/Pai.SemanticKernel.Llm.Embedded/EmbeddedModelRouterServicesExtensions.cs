namespace Pai.SemanticKernel.Llm;

/// <summary>Registers the embedded provider with a router's services.</summary>
public static class EmbeddedModelRouterServicesExtensions
{
    /// <summary>Adds the <c>embedded</c> provider to <see cref="ModelRouterServices.Providers"/>, so that backends with <c>"Provider": "embedded"</c> can be built.</summary>
    /// <param name="services">The router's services.</param>
    /// <param name="options">The provider's settings; <see langword="null"/> uses <see cref="EmbeddedBackendProvider.Default"/>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <example>
    /// <code>
    /// using var router = new ModelRouter(EmbeddedDefaults.FromEnvironment(), new ModelRouterServices { LoggerFactory = loggerFactory }.WithEmbedded());
    /// </code>
    /// </example>
    public static ModelRouterServices WithEmbedded(this ModelRouterServices services, EmbeddedProviderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Providers.Add(options is null ? EmbeddedBackendProvider.Default : new EmbeddedBackendProvider(options));
        return services;
    }
}
