using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Backends that speak the OpenAI chat-completions protocol (vLLM, Ollama, llama.cpp, the OpenAI API itself),
/// through the official OpenAI SDK with its own retries off.
/// </summary>
internal sealed class OpenAICompatibleBackendProvider(string name) : IChatBackendProvider
{
    internal static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");

    public static OpenAICompatibleBackendProvider Compatible { get; } = new(BackendProviders.OpenAICompatible);

    public static OpenAICompatibleBackendProvider OpenAI { get; } = new(BackendProviders.OpenAI);

    public string Name { get; } = name;

    public void Validate(string path, BackendOptions options, ICollection<string> errors)
    {
        if (options.Endpoint is null && Name != BackendProviders.OpenAI)
        {
            errors.Add($"{path}:Endpoint is required for provider '{Name}' (for example http://vllm:8000/v1).");
        }
        else if (options.Endpoint is { } endpoint && !IsHttpUri(endpoint))
        {
            errors.Add($"{path}:Endpoint '{SecretRedactor.Describe(endpoint)}' is not an absolute http(s) URI (for example http://vllm:8000/v1).");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"{path}:Model is empty: name the model the server serves (for example Qwen/Qwen2.5-7B-Instruct).");
        }

        if (Name == BackendProviders.OpenAI && string.IsNullOrEmpty(options.ApiKey))
        {
            errors.Add($"{path}:ApiKey is required for provider 'openai'.");
        }
    }

    public IChatClient CreateClient(BackendContext context)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = EndpointOf(context.Options),
            // Nothing in the retry slot: each attempt is sent once and the router decides what follows a failure;
            // with the SDK's default policy a refused connection costs four tries (and 429/5xx sleep on Retry-After)
            // before any failover.
            RetryPolicy = PassThroughPolicy.Instance,
            // The router's per-attempt watchdog enforces FirstTokenTimeout, StallTimeout and RequestTimeout.
            NetworkTimeout = Timeout.InfiniteTimeSpan,
            Transport = new HttpClientPipelineTransport(context.GetHttpClient()),
        };

        ChatClient chatClient = string.IsNullOrEmpty(context.Options.ApiKey)
#pragma warning disable OPENAI001 // The policy overload is experimental; it is the only way to send no Authorization header.
            // Nothing in the authentication slot: keyless local servers must not receive an empty bearer token.
            ? new ChatClient(context.Model, PassThroughPolicy.Instance, clientOptions)
#pragma warning restore OPENAI001
            : new ChatClient(context.Model, new ApiKeyCredential(context.Options.ApiKey), clientOptions);

        return chatClient.AsIChatClient();
    }

    public Task<BackendHealthReport> CheckHealthAsync(BackendContext context, CancellationToken cancellationToken) =>
        ModelsEndpointProbe.ProbeAsync(context, EndpointOf(context.Options), ApplyAuthorization, cancellationToken);

    internal static Uri EndpointOf(BackendOptions options) => options.Endpoint ?? OpenAIEndpoint;

    internal static bool IsHttpUri(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host);

    private static void ApplyAuthorization(HttpRequestMessage request, BackendOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.ApiKey);
        }
    }

    /// <summary>
    /// Sends the request on unchanged. In the retry slot of the SDK's pipeline it means no retries (the router decides
    /// what follows a failure); in the authentication slot, no credentials.
    /// </summary>
    /// <remarks>
    /// Hand-written rather than <c>new ClientRetryPolicy(maxRetries: 0)</c> in the retry slot, which sends once too but still
    /// runs its retry loop as two async layers per request: about 1.5 % of a loopback request and 0.3 KB
    /// (docs/benchmarks.md). Exceptions and error responses pass through unchanged, as they do from that policy after its
    /// one try. An <see cref="AuthenticationPolicy"/> because the SDK's keyless constructor takes one.
    /// </remarks>
    private sealed class PassThroughPolicy : AuthenticationPolicy
    {
        public static PassThroughPolicy Instance { get; } = new();

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNext(message, pipeline, currentIndex);

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNextAsync(message, pipeline, currentIndex);
    }
}
