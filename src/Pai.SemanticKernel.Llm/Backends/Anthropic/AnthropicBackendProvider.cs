using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Backends that speak Anthropic's Messages API (<c>POST {Endpoint}/v1/messages</c>), through the official Anthropic SDK
/// and its Microsoft.Extensions.AI adapter (<c>AsIChatClient</c>), with the SDK's own retries and timeout off.
/// </summary>
/// <remarks>
/// <para>Failures reach the router's failover rules through <see cref="GetStatusCode"/>: the SDK's HTTP errors carry their
/// status (529 <c>overloaded_error</c> included), and an <c>error</c> event inside a stream is given the status Anthropic
/// documents for its error type (<c>overloaded_error</c> 529, <c>api_error</c> 500, <c>rate_limit_error</c> 429, ...), so an
/// overloaded stream fails over before output and surfaces as <see cref="StreamInterruptedException"/> after it.</para>
/// <para>The SDK's exceptions hold no response headers, so a <c>Retry-After</c> is recorded on the way in by a handler on the
/// SDK's HTTP pipeline, keyed by the response's <c>request-id</c> (which the exception keeps), and handed out by
/// <see cref="GetRetryAfter"/>.</para>
/// <para>The Messages API of SDK 13.x takes no sampling parameters: <see cref="BackendOptions.Temperature"/> is not sent.</para>
/// </remarks>
internal sealed class AnthropicBackendProvider : IChatBackendProvider
{
    /// <summary>Anthropic's API; requests go to <c>{Endpoint}/v1/messages</c>.</summary>
    internal static readonly Uri DefaultEndpoint = new("https://api.anthropic.com");

    private readonly RetryAfterLedger _retryAfters = new();

    public string Name => BackendProviders.Anthropic;

    public void Validate(string path, BackendOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (options.Endpoint is { } endpoint)
        {
            if (!OpenAICompatibleBackendProvider.IsHttpUri(endpoint))
            {
                errors.Add($"{path}:Endpoint '{SecretRedactor.Describe(endpoint)}' is not an absolute http(s) URI (for example {DefaultEndpoint}).");
            }
            else if (endpoint.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
            {
                // The SDK appends /v1/messages itself: an OpenAI-style ".../v1" endpoint would send every request to /v1/v1/messages.
                errors.Add($"{path}:Endpoint '{SecretRedactor.Describe(endpoint)}' ends with /v1: for provider 'anthropic' give the base address without /v1 (for example {DefaultEndpoint}); requests go to {{Endpoint}}/v1/messages.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"{path}:Model is empty: name the Claude model (for example {PaiLlmEnvironment.DefaultAnthropicModel}).");
        }

        if (string.IsNullOrEmpty(options.ApiKey))
        {
            errors.Add($"{path}:ApiKey is required for provider 'anthropic' (an Anthropic API key, for example from ANTHROPIC_API_KEY).");
        }

        if (options.MaxTokens is null)
        {
            errors.Add($"{path}:MaxTokens is required for provider 'anthropic': the Messages API needs max_tokens on every request (for example {PaiLlmEnvironment.DefaultAnthropicMaxTokens}).");
        }
    }

    public IChatClient CreateClient(BackendContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = new AnthropicClient(new ClientOptions
        {
            // Set explicitly, so the SDK reads no credential from the environment or from profiles.
            ApiKey = context.Options.ApiKey,
            BaseUrl = BaseUrlOf(context.Options),
            // The router decides what happens after a failure; the SDK would otherwise retry 408/409/429/5xx and
            // connection errors itself, sleeping before any failover.
            MaxRetries = 0,
            // The router's per-attempt watchdog enforces FirstTokenTimeout, StallTimeout and RequestTimeout.
            Timeout = Timeout.InfiniteTimeSpan,
            HttpClient = context.GetHttpClient(),
            // A new handler per client: the SDK refuses a handler that is already attached to another client.
            Handlers = [new RetryAfterRecorder(_retryAfters)],
        });

        // Not disposed with the chat client (the adapter's Dispose leaves it open): disposing an AnthropicClient disposes
        // its HttpClient, which belongs to ModelRouterServices or to the host's IHttpClientFactory.
        return client.AsIChatClient(context.Model, context.Options.MaxTokens);
    }

    public Task<BackendHealthReport> CheckHealthAsync(BackendContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return AnthropicModelsProbe.ProbeAsync(context, EndpointOf(context.Options), cancellationToken);
    }

    public int? GetStatusCode(Exception exception) => exception switch
    {
        AnthropicApiException api => (int)api.StatusCode,
        // An error event inside a stream has no HTTP status of its own; Anthropic documents one per error type.
        AnthropicSseException sse => AnthropicErrorTypes.StatusOf(sse),
        _ => null,
    };

    public TimeSpan? GetRetryAfter(Exception exception) =>
        exception is AnthropicApiException { RequestID: { Length: > 0 } requestId } ? _retryAfters.Take(requestId) : null;

    internal static Uri EndpointOf(BackendOptions options) => options.Endpoint ?? DefaultEndpoint;

    /// <summary>The SDK's base URL: without a trailing slash, as the SDK appends <c>/v1/...</c> to it.</summary>
    private static string BaseUrlOf(BackendOptions options) => EndpointOf(options).AbsoluteUri.TrimEnd('/');
}
