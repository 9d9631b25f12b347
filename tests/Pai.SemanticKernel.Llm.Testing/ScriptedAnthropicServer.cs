using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>
/// A scripted server speaking Anthropic's Messages API for integration tests, listening on <c>127.0.0.1</c> on a dynamic
/// port. It serves <c>POST /v1/messages</c> with scripted replies (<c>ok</c> when nothing is scripted),
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>; anything else is <c>404</c>. Every request is recorded before it
/// is answered, and every response carries a <c>request-id</c> header, as Anthropic's do. All members are thread-safe.
/// </summary>
/// <remarks>
/// <para>It takes the same <see cref="ScriptedReply"/> values as <see cref="ScriptedOpenAIServer"/>, in Anthropic's formats:</para>
/// <list type="bullet">
/// <item><see cref="ScriptedReply.Text"/> and <see cref="ScriptedReply.ToolCall"/> answer a <c>message</c> document, or for
/// <c>"stream": true</c> the events <c>message_start</c>, <c>content_block_start</c>, one <c>content_block_delta</c> per chunk
/// (<c>text_delta</c> or <c>input_json_delta</c>), <c>content_block_stop</c>, <c>message_delta</c> and <c>message_stop</c>.
/// Finish reasons map to <c>stop_reason</c>: <c>stop</c> → <c>end_turn</c>, <c>length</c> → <c>max_tokens</c>,
/// <c>tool_calls</c> → <c>tool_use</c>.</item>
/// <item>Stream faults count those events (<c>message_start</c> is the first), so a fault after 2 events strikes before any
/// text. <see cref="ScriptedReply.ErrorEventAfterChunks"/> sends <c>event: error</c> with an <c>overloaded_error</c>; for a
/// request that does not stream it answers HTTP 529 with the same error.</item>
/// <item><see cref="ScriptedReply.Status"/> sends Anthropic's error document for the status (529 <c>overloaded_error</c>,
/// 429 <c>rate_limit_error</c>, 500 <c>api_error</c>, ...) unless a body is given.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// await using var server = await ScriptedAnthropicServer.StartAsync();
/// server.Enqueue("claude-haiku-4-5", ScriptedReply.Status(529))
///       .Always(null, ScriptedReply.Text("hello world"));
/// var backend = new BackendOptions { Provider = "anthropic", Endpoint = server.BaseUri, ... };
/// </code>
/// </example>
public sealed class ScriptedAnthropicServer : IAsyncDisposable
{
    /// <summary>The Messages API route.</summary>
    public const string MessagesPath = "/v1/messages";

    /// <summary>The Models API route (a single model is <c>/v1/models/{id}</c>).</summary>
    public const string ModelsPath = "/v1/models";

    private readonly LoopbackHost host;
    private readonly AnthropicRequestHandlers handlers;

    private ScriptedAnthropicServer(LoopbackHost host, AnthropicRequestHandlers handlers)
    {
        this.host = host;
        int port = host.Port;
        this.handlers = handlers;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>
    /// The server's root, <c>http://127.0.0.1:{port}/</c>: what an Anthropic backend gets as its endpoint (the SDK appends
    /// <c>/v1/messages</c>).
    /// </summary>
    public Uri BaseUri { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port => BaseUri.Port;

    /// <summary>A snapshot of every request received (all routes), in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => handlers.Log.Snapshot();

    /// <summary>The <c>POST /v1/messages</c> requests received, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> MessageRequests => [.. Requests.Where(IsMessages)];

    /// <summary>The number of one-shot replies queued by <see cref="Enqueue"/> and not used yet.</summary>
    public int PendingReplies => handlers.Replies.PendingCount;

    /// <summary>Starts a silent server on a dynamic loopback port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static Task<ScriptedAnthropicServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new ScriptedOpenAIServerOptions(), cancellationToken);

    /// <summary>Starts a server on a dynamic loopback port.</summary>
    /// <param name="options">Logging and shutdown options (shared with <see cref="ScriptedOpenAIServer"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static async Task<ScriptedAnthropicServer> StartAsync(ScriptedOpenAIServerOptions options, CancellationToken cancellationToken = default)
    {
        (LoopbackHost host, AnthropicRequestHandlers handlers) = await LoopbackHost.StartAsync(
            options,
            stopping => new AnthropicRequestHandlers(new RequestLog(), new ReplyBook(), new ModelCatalog(), stopping),
            (app, handlers) =>
            {
                app.MapPost(MessagesPath, (RequestDelegate)handlers.MessagesAsync);
                app.MapGet(ModelsPath, (RequestDelegate)handlers.ModelListAsync);
                app.MapGet(ModelsPath + "/{id}", (RequestDelegate)handlers.ModelAsync);
                app.MapFallback((RequestDelegate)handlers.NotFoundAsync);
            },
            cancellationToken).ConfigureAwait(false);
        return new ScriptedAnthropicServer(host, handlers);
    }

    /// <summary>An <c>http://127.0.0.1:{port}/</c> endpoint where nothing listens, for connection-refused tests.</summary>
    /// <returns>The endpoint.</returns>
    public static Uri RefusedEndpoint()
    {
        return new Uri($"http://127.0.0.1:{LoopbackHost.RefusedPort()}/");
    }

    /// <summary>
    /// Queues a one-shot reply. Replies are used first-in first-out, per model: a request naming a model takes from that
    /// model's queue, then from the any-model queue.
    /// </summary>
    /// <param name="model">The request's <c>"model"</c> this reply is for; <see langword="null"/> for any model.</param>
    /// <param name="reply">The reply.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedAnthropicServer Enqueue(string? model, ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        handlers.Replies.Enqueue(model, reply);
        return this;
    }

    /// <summary>
    /// Sets the persistent reply used when no queued reply is left for a request: the model's own, else the any-model
    /// one, else text <c>ok</c>.
    /// </summary>
    /// <param name="model">The request's <c>"model"</c> this reply is for; <see langword="null"/> for any model.</param>
    /// <param name="reply">The reply.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedAnthropicServer Always(string? model, ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        handlers.Replies.SetPersistent(model, reply);
        return this;
    }

    /// <summary>
    /// Sets the models the Models API serves (replacing earlier ones): <c>GET /v1/models</c> lists them as
    /// <c>{"data":[{"type":"model","id":..,"display_name":..,"created_at":..}],"has_more":false,...}</c>.
    /// </summary>
    /// <param name="modelIds">The model ids.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedAnthropicServer ServeModels(params string[] modelIds)
    {
        ArgumentNullException.ThrowIfNull(modelIds);
        handlers.Models.Serve(modelIds);
        return this;
    }

    /// <summary>
    /// Makes <c>GET /v1/models/{alias}</c> answer the served model <paramref name="modelId"/>, as Anthropic resolves
    /// <c>claude-haiku-4-5</c> to a dated snapshot. The list does not show aliases.
    /// </summary>
    /// <param name="alias">The alias.</param>
    /// <param name="modelId">A model id passed to <see cref="ServeModels"/>.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedAnthropicServer AliasModel(string alias, string modelId)
    {
        ArgumentException.ThrowIfNullOrEmpty(alias);
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        handlers.Alias(alias, modelId);
        return this;
    }

    /// <summary>
    /// Scripts every answer of the Models API, e.g. <c>ScriptedReply.Status(401)</c>; a content reply answers normally.
    /// </summary>
    /// <param name="reply">The reply; <see langword="null"/> restores the normal answers.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedAnthropicServer SetModelsReply(ScriptedReply? reply)
    {
        handlers.Models.SetReply(reply);
        return this;
    }

    /// <summary>Counts the <c>POST /v1/messages</c> requests received, optionally only those naming <paramref name="model"/>.</summary>
    /// <param name="model">The request's <c>"model"</c>; <see langword="null"/> counts them all.</param>
    /// <returns>The number of requests.</returns>
    public int CountRequests(string? model = null) =>
        handlers.Log.Count(request => IsMessages(request) && (model is null || string.Equals(request.Model, model, StringComparison.Ordinal)));

    /// <summary>Returns the server to its freshly started state: replies, recorded requests, models and aliases cleared.</summary>
    public void Reset()
    {
        handlers.Replies.Clear();
        handlers.Models.Clear();
        handlers.ClearAliases();
        handlers.Log.Clear();
    }

    /// <summary>Stops the server: waiting replies abort their connections, then Kestrel shuts down.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static bool IsMessages(RecordedRequest request) =>
        string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase) && string.Equals(request.Path, MessagesPath, StringComparison.Ordinal);
}
