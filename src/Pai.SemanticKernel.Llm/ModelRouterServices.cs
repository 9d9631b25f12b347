using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The host services a <see cref="ModelRouter"/> uses. Every member is optional; dependency injection fills them from the container.
/// </summary>
public sealed class ModelRouterServices : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpClient> _ownedClients = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where log lines go. Default: none.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Creates the named <see cref="HttpClient"/> of each backend (name <c>Pai.Llm.{backend}</c>), so that handlers can be added.
    /// Default: the router creates one connection pool per backend itself.
    /// </summary>
    public IHttpClientFactory? HttpClientFactory { get; init; }

    /// <summary>The clock for time budgets and cooldowns. Default <see cref="TimeProvider.System"/>; tests pass a fake.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Creates the router's <see cref="Meter"/>. Default: a meter that is not registered with any factory.</summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>Providers beyond the built-in ones (for example the embedded provider).</summary>
    public IList<IChatBackendProvider> Providers { get; init; } = [];

    /// <summary>The name of the <see cref="HttpClient"/> used for a backend: <c>Pai.Llm.{backend}</c>.</summary>
    /// <param name="backendName">The backend's name.</param>
    /// <returns>The client name.</returns>
    public static string HttpClientName(string backendName) => "Pai.Llm." + backendName;

    /// <summary>Disposes the HTTP clients the router created itself.</summary>
    public void Dispose()
    {
        foreach (HttpClient client in _ownedClients.Values)
        {
            client.Dispose();
        }

        _ownedClients.Clear();
    }

    internal HttpClient GetHttpClient(BackendContext backend)
    {
        if (HttpClientFactory is { } factory)
        {
            HttpClient client = factory.CreateClient(HttpClientName(backend.Name));
            client.Timeout = Timeout.InfiniteTimeSpan;
            return client;
        }

        return _ownedClients.GetOrAdd(backend.Name, static (_, options) => CreateOwnedClient(options), backend.Options);
    }

    /// <summary>One connection pool per backend, with the backend's connect timeout and no overall timeout (the router's budgets apply).</summary>
    internal static HttpClient CreateOwnedClient(BackendOptions options) => new(CreateHandler(options.ConnectTimeout), disposeHandler: true)
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// The primary handler for a backend: bounded connect time, connections recycled so DNS changes are seen, redirects
    /// not followed.
    /// </summary>
    /// <remarks>
    /// <para>Responses are not asked to be compressed, as the OpenAI SDK's own transport does not ask: local servers (vLLM,
    /// Ollama, llama.cpp) never compress, chat answers are small, and asking (<c>Accept-Encoding</c> plus the
    /// decompression layer) cost about 2.7 µs per request on loopback, a 3.6 % slower request (docs/benchmarks.md).</para>
    /// <para>Redirects are not followed, as the OpenAI SDK's own transport does not follow them: an API endpoint that
    /// redirects is misconfigured (a 301 or 302 would even turn the POST into a GET), and the failure names the redirect's
    /// target so that the endpoint can be corrected. The redirect layer also cost about 1 % of a loopback request.</para>
    /// </remarks>
    public static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = false,
    };

    internal ILogger CreateLogger(string category) => LoggerFactory.CreateLogger(category);
}
