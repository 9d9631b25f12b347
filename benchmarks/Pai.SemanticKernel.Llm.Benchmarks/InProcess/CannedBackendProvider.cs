using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm.Benchmarks.InProcess;

/// <summary>
/// A backend provider whose clients are <see cref="CannedChatClient"/>s, so that a real <see cref="ModelRouter"/> (effort
/// routing, fallback chain, watchdog, cooldown, metadata) runs over an in-memory backend.
/// </summary>
internal sealed class CannedBackendProvider(int updates) : IChatBackendProvider
{
    internal const string ProviderName = "canned";

    public string Name => ProviderName;

    public void Validate(string path, BackendOptions options, ICollection<string> errors)
    {
    }

    public IChatClient CreateClient(BackendContext context) => new CannedChatClient(updates);

    public Task<BackendHealthReport> CheckHealthAsync(BackendContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new BackendHealthReport(context.Name, ProviderName, null, context.Model, Reachable: true, ModelListed: null, TimeSpan.Zero, null));

    /// <summary>A router with every tier on a chain of two canned backends (only the first answers), as <see cref="ModelRouter"/> is configured in production.</summary>
    internal static ModelRouter CreateRouter(int updates)
    {
        var options = new PaiLlmOptions();
        options.Backends["primary"] = new BackendOptions { Provider = ProviderName, Model = "canned-model" };
        options.Backends["secondary"] = new BackendOptions { Provider = ProviderName, Model = "canned-model" };
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            options.Tier(effort).Backends.Add("primary");
            options.Tier(effort).Backends.Add("secondary");
        }

        return new ModelRouter(options, new ModelRouterServices { Providers = [new CannedBackendProvider(updates)] });
    }
}
