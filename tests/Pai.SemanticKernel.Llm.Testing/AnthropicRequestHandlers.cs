using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>The endpoints of a <see cref="ScriptedAnthropicServer"/>: every request is recorded, then answered.</summary>
internal sealed class AnthropicRequestHandlers(
    RequestLog log, ReplyBook replies, ModelCatalog models, CancellationToken serverStopping)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> aliases = new(StringComparer.Ordinal);

    /// <summary>Where requests are recorded.</summary>
    public RequestLog Log => log;

    /// <summary>Where message replies are scripted.</summary>
    public ReplyBook Replies => replies;

    /// <summary>What the Models API answers.</summary>
    public ModelCatalog Models => models;

    /// <summary>Makes <c>GET /v1/models/{alias}</c> answer the model <paramref name="modelId"/>.</summary>
    public void Alias(string alias, string modelId)
    {
        lock (gate)
        {
            aliases[alias] = modelId;
        }
    }

    /// <summary>Forgets every alias.</summary>
    public void ClearAliases()
    {
        lock (gate)
        {
            aliases.Clear();
        }
    }

    /// <summary><c>POST /v1/messages</c>: answers with the reply scripted for the request's model.</summary>
    public Task MessagesAsync(HttpContext context) => RunAsync(context, async lifetime =>
    {
        RecordedRequest recorded = await log.RecordAsync(context, lifetime).ConfigureAwait(false);
        ScriptedReply reply = replies.Take(recorded.Model);
        await AnthropicReplyWriter.WriteMessageAsync(context, reply, recorded.Model, recorded.Stream, lifetime).ConfigureAwait(false);
    });

    /// <summary><c>GET /v1/models</c>: the served models, or the scripted models reply.</summary>
    public Task ModelListAsync(HttpContext context) => RunAsync(context, async lifetime =>
    {
        await log.RecordAsync(context, lifetime).ConfigureAwait(false);
        var (modelIds, reply) = models.Snapshot();
        string list = AnthropicPayloads.ModelList(modelIds).ToJsonString();
        await AnthropicReplyWriter.WriteModelsAsync(context, reply, StatusCodes.Status200OK, list, lifetime).ConfigureAwait(false);
    });

    /// <summary><c>GET /v1/models/{id}</c>: a served model or an alias of one, else <c>404 not_found_error</c>.</summary>
    public Task ModelAsync(HttpContext context) => RunAsync(context, async lifetime =>
    {
        await log.RecordAsync(context, lifetime).ConfigureAwait(false);
        string id = context.Request.RouteValues["id"] as string ?? string.Empty;
        var (modelIds, reply) = models.Snapshot();
        string? resolved;
        lock (gate)
        {
            resolved = modelIds.Contains(id, StringComparer.Ordinal) ? id : aliases.GetValueOrDefault(id);
        }

        (int status, string body) = resolved is not null && modelIds.Contains(resolved, StringComparer.Ordinal)
            ? (StatusCodes.Status200OK, AnthropicPayloads.Model(resolved).ToJsonString())
            : (StatusCodes.Status404NotFound, AnthropicPayloads.Error("not_found_error", $"model: {id}").ToJsonString());
        await AnthropicReplyWriter.WriteModelsAsync(context, reply, status, body, lifetime).ConfigureAwait(false);
    });

    /// <summary>Any other request: <c>404</c> with an Anthropic error document.</summary>
    public Task NotFoundAsync(HttpContext context) => RunAsync(context, async lifetime =>
    {
        RecordedRequest recorded = await log.RecordAsync(context, lifetime).ConfigureAwait(false);
        string error = AnthropicPayloads.Error("not_found_error", $"No route for {recorded.Method} {recorded.Path}.").ToJsonString();
        await ReplyWriter.WriteJsonAsync(context, StatusCodes.Status404NotFound, error, lifetime).ConfigureAwait(false);
    });

    private async Task RunAsync(HttpContext context, Func<CancellationToken, Task> handle)
    {
        // The reply's lifetime ends when the client gives up or the server stops, whichever comes first.
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        try
        {
            await handle(lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (lifetime.IsCancellationRequested && exception is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            context.Abort();
        }
    }
}
