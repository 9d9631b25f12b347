using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm;

namespace Pai.WebApi;

/// <summary>The chat endpoints: one answer as JSON, or the answer's tokens as server-sent events.</summary>
internal static class ChatEndpoints
{
    internal static void MapChat(this IEndpointRouteBuilder app)
    {
        app.MapPost("/chat", AnswerAsync);
        app.MapPost("/chat/stream", StreamAsync);
    }

    private static async Task<Results<Ok<ChatReply>, ValidationProblem>> AnswerAsync(ChatRequest request, IChatClient chat, CancellationToken cancellationToken)
    {
        if (!TryRead(request, out List<ChatMessage> messages, out ChatOptions options, out ValidationProblem? problem))
        {
            return problem;
        }

        ChatResponse response = await chat.GetResponseAsync(messages, options, cancellationToken);
        return TypedResults.Ok(new ChatReply(
            response.Text,
            EffortName(response.AdditionalProperties),
            response.AdditionalProperties?.GetValueOrDefault(PaiPropertyNames.Backend) as string,
            response.ModelId,
            response.Usage?.InputTokenCount,
            response.Usage?.OutputTokenCount));
    }

    private static async Task<Results<ServerSentEventsResult<object>, ValidationProblem>> StreamAsync(ChatRequest request, IChatClient chat, CancellationToken cancellationToken)
    {
        if (!TryRead(request, out List<ChatMessage> messages, out ChatOptions options, out ValidationProblem? problem))
        {
            return problem;
        }

        // Read the first update before answering: the router fails over (or gives up) before any content, so a request that
        // no backend can serve is still answered with a status code and problem details rather than an empty event stream.
        IAsyncEnumerator<ChatResponseUpdate> updates = chat.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool hasFirst;
        try
        {
            hasFirst = await updates.MoveNextAsync();
        }
        catch
        {
            await updates.DisposeAsync();
            throw;
        }

        return TypedResults.ServerSentEvents(RelayAsync(updates, hasFirst, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<object>> RelayAsync(
        IAsyncEnumerator<ChatResponseUpdate> updates,
        bool hasFirst,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? effort = null, backend = null, model = null, finishReason = null;
        ErrorEvent? error = null;
        await using (updates)
        {
            bool more = hasFirst;
            while (more)
            {
                ChatResponseUpdate update = updates.Current;
                effort ??= EffortName(update.AdditionalProperties);
                backend ??= update.AdditionalProperties?.GetValueOrDefault(PaiPropertyNames.Backend) as string;
                model ??= update.ModelId;
                finishReason = update.FinishReason?.Value ?? finishReason;
                if (update.Text is { Length: > 0 } text)
                {
                    yield return new SseItem<object>(new TokenEvent(text), "token");
                }

                try
                {
                    more = await updates.MoveNextAsync();
                }
                catch (StreamInterruptedException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // The status code is sent already: report the break in the stream itself.
                    error = new ErrorEvent("The answer broke off", ex.Message);
                    more = false;
                }
            }
        }

        yield return error is null
            ? new SseItem<object>(new DoneEvent(effort, backend, model, finishReason), "done")
            : new SseItem<object>(error, "error");
    }

    /// <summary>Turns the request body into messages and options; a bad field becomes a 400 naming it.</summary>
    private static bool TryRead(ChatRequest request, out List<ChatMessage> messages, out ChatOptions options, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ValidationProblem? problem)
    {
        var errors = new Dictionary<string, string[]>();
        messages = [];
        options = new ChatOptions();

        if (!string.IsNullOrWhiteSpace(request.Effort))
        {
            EffortLevel? effort = Enum.GetValues<EffortLevel>().Cast<EffortLevel?>()
                .FirstOrDefault(level => level.ToString()!.Equals(request.Effort.Trim(), StringComparison.OrdinalIgnoreCase));
            if (effort is { } level)
            {
                options.WithEffort(level);
            }
            else
            {
                errors["effort"] = [$"'{request.Effort}' is not an effort level. Allowed values: quick, standard, determined (or leave it out for the server's default)."];
            }
        }

        if (request.Messages is { Count: > 0 } turns)
        {
            for (int i = 0; i < turns.Count; i++)
            {
                ChatTurn turn = turns[i];
                ChatRole? role = turn?.Role?.Trim().ToLowerInvariant() switch
                {
                    "system" => ChatRole.System,
                    "user" => ChatRole.User,
                    "assistant" => ChatRole.Assistant,
                    _ => null,
                };
                if (role is null)
                {
                    errors[$"messages[{i}].role"] = [$"'{turn?.Role}' is not a role. Allowed values: system, user, assistant."];
                }
                else if (string.IsNullOrEmpty(turn!.Content))
                {
                    errors[$"messages[{i}].content"] = ["The content is empty."];
                }
                else
                {
                    messages.Add(new ChatMessage(role.Value, turn.Content));
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(request.Message))
        {
            messages.Add(new ChatMessage(ChatRole.User, request.Message));
        }

        if (messages.Count == 0 && errors.Count == 0)
        {
            errors["message"] = ["Send a message (or messages: [{ \"role\": \"user\", \"content\": \"...\" }])."];
        }

        problem = errors.Count > 0 ? TypedResults.ValidationProblem(errors, title: "The chat request is not valid.") : null;
        return problem is null;
    }

    private static string? EffortName(AdditionalPropertiesDictionary? properties) =>
        properties?.GetValueOrDefault(PaiPropertyNames.ServedEffort) is EffortLevel effort ? effort.ToString().ToLowerInvariant() : null;
}
