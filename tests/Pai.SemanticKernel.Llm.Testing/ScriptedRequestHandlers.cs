using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>The endpoints of a <see cref="ScriptedOpenAIServer"/>: every request is recorded, then answered.</summary>
internal sealed class ScriptedRequestHandlers(
    RequestLog log, ReplyBook replies, ModelCatalog models, CancellationToken serverStopping)
{
    /// <summary>Where requests are recorded.</summary>
    public RequestLog Log => log;

    /// <summary>Where chat replies are scripted.</summary>
    public ReplyBook Replies => replies;

    /// <summary>What <c>GET /v1/models</c> answers.</summary>
    public ModelCatalog Models => models;

    /// <summary><c>POST /v1/chat/completions</c>: answers with the reply scripted for the request's model.</summary>
    public Task ChatCompletionsAsync(HttpContext context) => RunAsync(context, async lifetime =>
    {
        var recorded = await log.RecordAsync(context, lifetime).ConfigureAwait(false);
        var request = ChatRequest.From(recorded);
        var reply = replies.Take(request.Model);
        await ReplyWriter.WriteChatAsync(context, reply, request, lifetime).ConfigureAwait(false);
    });

    /// <summary><c>GET /v1/models</c>: answers with the served model list, or the scripted models reply.</summary>
    public Task ModelsAsync(HttpContext context) => RunAsync(context, async lifetime =>
    {
        await log.RecordAsync(context, lifetime).ConfigureAwait(false);
        var (modelIds, reply) = models.Snapshot();
        await ReplyWriter.WriteModelsAsync(context, reply, modelIds, lifetime).ConfigureAwait(false);
    });

    /// <summary>Any other request: <c>404</c> with an OpenAI-style error document.</summary>
    public Task NotFoundAsync(HttpContext context) => RunAsync(context, async lifetime =>
    {
        var recorded = await log.RecordAsync(context, lifetime).ConfigureAwait(false);
        var error = OpenAIPayloads.Error(
            $"No route for {recorded.Method} {recorded.Path}.", "not_found_error", "not_found");
        await ReplyWriter.WriteJsonAsync(context, StatusCodes.Status404NotFound, error.ToJsonString(), lifetime)
            .ConfigureAwait(false);
    });

    private async Task RunAsync(HttpContext context, Func<CancellationToken, Task> handle)
    {
        // The reply's lifetime ends when the client gives up or the server stops, whichever comes first.
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        try
        {
            await handle(lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (lifetime.IsCancellationRequested && IsConnectionEnd(exception))
        {
            context.Abort();
        }
    }

    private static bool IsConnectionEnd(Exception exception) =>
        exception is OperationCanceledException or IOException or ConnectionAbortedException;
}
