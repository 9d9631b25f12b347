using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Creates the <see cref="IChatClient"/> for backends of one <see cref="BackendOptions.Provider"/> value, and probes their health.
/// </summary>
/// <remarks>
/// The core package provides <see cref="BackendProviders.OpenAICompatible"/>, <see cref="BackendProviders.OpenAI"/> and <see cref="BackendProviders.Anthropic"/>;
/// add-on packages contribute others through <see cref="ModelRouterServices.Providers"/>.
/// </remarks>
public interface IChatBackendProvider
{
    /// <summary>The canonical provider name, lower-case (for example <c>embedded</c>).</summary>
    string Name { get; }

    /// <summary>Checks the provider-specific settings of one backend.</summary>
    /// <param name="path">The configuration path of the backend, for example <c>Pai:Llm:Backends:local</c>; prefix every error with it.</param>
    /// <param name="options">The backend's settings.</param>
    /// <param name="errors">Where to add one message per problem, naming the setting and the bad value (never a secret).</param>
    void Validate(string path, BackendOptions options, ICollection<string> errors);

    /// <summary>Creates the client that sends requests to the backend.</summary>
    /// <param name="context">The backend and the host services.</param>
    /// <returns>A client whose retries are off: the router decides what happens after a failure.</returns>
    IChatClient CreateClient(BackendContext context);

    /// <summary>Probes whether the backend answers and serves its configured model.</summary>
    /// <param name="context">The backend and the host services.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The probe's findings; never throws for an unhealthy backend.</returns>
    Task<BackendHealthReport> CheckHealthAsync(BackendContext context, CancellationToken cancellationToken);

    /// <summary>Extracts the HTTP status code from an exception of this provider's client, when the core does not know its type.</summary>
    /// <param name="exception">The exception a request failed with.</param>
    /// <returns>The status code, or <see langword="null"/>.</returns>
    int? GetStatusCode(Exception exception) => null;

    /// <summary>Extracts a <c>Retry-After</c> delay from an exception of this provider's client, when the core does not know its type.</summary>
    /// <param name="exception">The exception a request failed with.</param>
    /// <returns>The delay, or <see langword="null"/>.</returns>
    TimeSpan? GetRetryAfter(Exception exception) => null;
}
