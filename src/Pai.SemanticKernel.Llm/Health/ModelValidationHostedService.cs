using Microsoft.Extensions.Hosting;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Runs <see cref="ModelRouter.ValidateModelsAsync(CancellationToken)"/> when the host starts, as <c>Health:ValidateModelsOnStart</c>
/// says: nothing when Off, warnings when Warn, and with Fail a <see cref="ModelValidationException"/> that stops the host
/// from starting.
/// </summary>
internal sealed class ModelValidationHostedService(ModelRouter router) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => router.ValidateModelsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
