using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm;

/// <summary>Rejects requests that no backend could answer, before any is called.</summary>
internal static class RequestGuard
{
    internal static void Messages(IEnumerable<ChatMessage>? messages, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(messages, parameterName);
        if (messages is IReadOnlyList<ChatMessage?> list)
        {
            // Arrays and lists by index: this runs on every request, and enumerating through the interface allocates.
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] is null)
                {
                    throw new ArgumentException($"{parameterName}[{i}] is null: every message must be a ChatMessage.", parameterName);
                }
            }

            if (list.Count == 0)
            {
                throw new ArgumentException($"{parameterName} is empty: a request needs at least one message.", parameterName);
            }

            return;
        }

        int index = 0;
        foreach (ChatMessage? message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException($"{parameterName}[{index}] is null: every message must be a ChatMessage.", parameterName);
            }

            index++;
        }

        if (index == 0)
        {
            throw new ArgumentException($"{parameterName} is empty: a request needs at least one message.", parameterName);
        }
    }

    internal static void Request(CompletionRequest? request, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(request, parameterName);
        if (request.Messages is null)
        {
            throw new ArgumentException($"{parameterName}.Messages is null: a request needs at least one message.", parameterName);
        }

        Messages(request.Messages, $"{parameterName}.Messages");
        if (request.Effort is { } effort && !Enum.IsDefined(effort))
        {
            throw new ArgumentException($"{parameterName}.Effort '{(int)effort}' is not an effort level. Allowed values: {EffortParser.AllowedValues}.", parameterName);
        }

        if (request.MaxTokens is <= 0)
        {
            throw new ArgumentException($"{parameterName}.MaxTokens '{request.MaxTokens}' must be positive.", parameterName);
        }

        if (request.Temperature is { } t && (float.IsNaN(t) || t < 0 || t > 2))
        {
            throw new ArgumentException($"{parameterName}.Temperature '{t}' is out of range: use a value from 0 to 2.", parameterName);
        }
    }
}
