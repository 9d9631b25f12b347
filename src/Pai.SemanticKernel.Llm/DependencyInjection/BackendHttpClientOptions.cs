using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Gives the named <see cref="HttpClient"/> of each backend (<see cref="ModelRouterServices.HttpClientName"/>) the primary
/// handler of <see cref="ModelRouterServices.CreateHandler"/>, with that backend's <see cref="BackendOptions.ConnectTimeout"/>.
/// </summary>
/// <remarks>
/// Registered before any user configuration of the same client, so that a <c>ConfigurePrimaryHttpMessageHandler</c> of
/// the user's replaces this handler and <c>AddHttpMessageHandler</c> adds to it.
/// </remarks>
internal sealed class BackendHttpClientOptions(IOptionsMonitor<PaiLlmOptions> options) : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    internal static readonly string NamePrefix = ModelRouterServices.HttpClientName("");

    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        if (name is null || !name.StartsWith(NamePrefix, StringComparison.Ordinal))
        {
            return;
        }

        TimeSpan connectTimeout = ConnectTimeoutOf(name[NamePrefix.Length..]);
        options.HttpMessageHandlerBuilderActions.Add(handler => handler.PrimaryHandler = ModelRouterServices.CreateHandler(connectTimeout));
    }

    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);

    private TimeSpan ConnectTimeoutOf(string backend)
    {
        try
        {
            return options.CurrentValue.Backends.TryGetValue(backend, out BackendOptions? settings) && settings is not null
                ? settings.ConnectTimeout
                : new BackendOptions().ConnectTimeout;
        }
        catch (OptionsValidationException)
        {
            // A configuration reload that failed validation: the routers in use were built from the previous one.
            return new BackendOptions().ConnectTimeout;
        }
    }
}
