using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Pai.SemanticKernel.Llm;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers start-up model validation (called by the router's own registration).</summary>
internal static class PaiLlmStartupValidationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hosted service that compares each backend's configured model with its <c>/models</c> list when the host
    /// starts, per <c>Health:ValidateModelsOnStart</c>. Needs a <see cref="ModelRouter"/> in the container. Adding it twice
    /// adds it once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    internal static IServiceCollection AddPaiLlmStartupValidation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ModelValidationHostedService>());
        return services;
    }
}
