using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>
/// A scripted OpenAI-compatible HTTP server for integration tests, listening on <c>127.0.0.1</c> on a dynamic
/// port. It serves <c>POST /v1/chat/completions</c> with scripted replies (<c>ok</c> when nothing is scripted) and
/// <c>GET /v1/models</c>; anything else is <c>404</c>. Every request is recorded before it is answered.
/// All members are thread-safe.
/// </summary>
/// <example>
/// <code>
/// await using var server = await ScriptedOpenAIServer.StartAsync();
/// server.Enqueue("small", ScriptedReply.Status(503))
///       .Always(null, ScriptedReply.Text("hello world"));
/// var options = new OpenAIClientOptions { Endpoint = server.V1Endpoint };
/// </code>
/// </example>
public sealed class ScriptedOpenAIServer : IAsyncDisposable
{
    /// <summary>The chat completions route.</summary>
    public const string ChatCompletionsPath = "/v1/chat/completions";

    /// <summary>The model list route.</summary>
    public const string ModelsPath = "/v1/models";

    private readonly LoopbackHost host;
    private readonly RequestLog log;
    private readonly ReplyBook replies;
    private readonly ModelCatalog models;

    private ScriptedOpenAIServer(LoopbackHost host, ScriptedRequestHandlers handlers)
    {
        this.host = host;
        int port = host.Port;
        log = handlers.Log;
        replies = handlers.Replies;
        models = handlers.Models;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        V1Endpoint = new Uri($"http://127.0.0.1:{port}/v1");
    }

    /// <summary>The server's root, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// <c>http://127.0.0.1:{port}/v1</c>: what an OpenAI client gets as its endpoint (it appends
    /// <c>/chat/completions</c> and <c>/models</c>).
    /// </summary>
    public Uri V1Endpoint { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port => BaseUri.Port;

    /// <summary>A snapshot of every request received (all routes), in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => log.Snapshot();

    /// <summary>The number of one-shot replies queued by <see cref="Enqueue"/> and not used yet.</summary>
    public int PendingReplies => replies.PendingCount;

    /// <summary>Starts a silent server on a dynamic loopback port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static Task<ScriptedOpenAIServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new ScriptedOpenAIServerOptions(), cancellationToken);

    /// <summary>Starts a server on a dynamic loopback port.</summary>
    /// <param name="options">Logging and shutdown options.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static async Task<ScriptedOpenAIServer> StartAsync(
        ScriptedOpenAIServerOptions options, CancellationToken cancellationToken = default)
    {
        (LoopbackHost host, ScriptedRequestHandlers handlers) = await LoopbackHost.StartAsync(
            options,
            stopping => new ScriptedRequestHandlers(new RequestLog(), new ReplyBook(), new ModelCatalog(), stopping),
            (app, handlers) =>
            {
                app.MapPost(ChatCompletionsPath, (RequestDelegate)handlers.ChatCompletionsAsync);
                app.MapGet(ModelsPath, (RequestDelegate)handlers.ModelsAsync);
                app.MapFallback((RequestDelegate)handlers.NotFoundAsync);
            },
            cancellationToken).ConfigureAwait(false);
        return new ScriptedOpenAIServer(host, handlers);
    }

    /// <summary>
    /// An <c>http://127.0.0.1:{port}/v1</c> endpoint where nothing listens (a port just bound and released), for
    /// connection-refused tests.
    /// </summary>
    /// <returns>The endpoint.</returns>
    public static Uri RefusedEndpoint()
    {
        return new Uri($"http://127.0.0.1:{LoopbackHost.RefusedPort()}/v1");
    }

    /// <summary>
    /// Queues a one-shot reply. Replies are used first-in first-out, per model: a request naming a model takes
    /// from that model's queue, then from the any-model queue.
    /// </summary>
    /// <param name="model">The request's <c>"model"</c> this reply is for; <see langword="null"/> for any model.</param>
    /// <param name="reply">The reply.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedOpenAIServer Enqueue(string? model, ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        replies.Enqueue(model, reply);
        return this;
    }

    /// <summary>
    /// Sets the persistent reply used when no queued reply is left for a request: the model's own, else the
    /// any-model one, else text <c>ok</c>. Replaces an earlier persistent reply for the same model.
    /// </summary>
    /// <param name="model">The request's <c>"model"</c> this reply is for; <see langword="null"/> for any model.</param>
    /// <param name="reply">The reply.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedOpenAIServer Always(string? model, ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        replies.SetPersistent(model, reply);
        return this;
    }

    /// <summary>
    /// Sets the models listed by <c>GET /v1/models</c> (replacing earlier ones), in the OpenAI list format
    /// <c>{"object":"list","data":[{"id":..,"object":"model","created":..,"owned_by":..}]}</c>.
    /// </summary>
    /// <param name="modelIds">The model ids.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedOpenAIServer ServeModels(params string[] modelIds)
    {
        ArgumentNullException.ThrowIfNull(modelIds);
        models.Serve(modelIds);
        return this;
    }

    /// <summary>
    /// Scripts every answer to <c>GET /v1/models</c>, e.g. <c>ScriptedReply.Status(500)</c>. A content reply
    /// (<see cref="ScriptedReply.Text"/>) answers the served model list, so
    /// <c>ScriptedReply.Text("").After(delay)</c> delays the list.
    /// </summary>
    /// <param name="reply">The reply; <see langword="null"/> restores the plain model list.</param>
    /// <returns>This server, for chaining.</returns>
    public ScriptedOpenAIServer SetModelsReply(ScriptedReply? reply)
    {
        models.SetReply(reply);
        return this;
    }

    /// <summary>Counts the chat completion requests received, optionally only those naming <paramref name="model"/>.</summary>
    /// <param name="model">The request's <c>"model"</c>; <see langword="null"/> counts them all.</param>
    /// <returns>The number of requests.</returns>
    public int CountRequests(string? model = null) =>
        log.Count(request => request.IsChatCompletion && (model is null || string.Equals(request.Model, model, StringComparison.Ordinal)));

    /// <summary>
    /// Returns the server to its freshly started state: clears the queued and persistent replies, the recorded
    /// requests, the served models and the models reply. Requests in flight finish with the reply they took.
    /// </summary>
    public void Reset()
    {
        replies.Clear();
        models.Clear();
        log.Clear();
    }

    /// <summary>
    /// Stops the server: waiting replies (<see cref="ScriptedReply.Hang"/>, stalls, delays) abort their
    /// connections, then Kestrel shuts down.
    /// </summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public ValueTask DisposeAsync() => host.DisposeAsync();
}
