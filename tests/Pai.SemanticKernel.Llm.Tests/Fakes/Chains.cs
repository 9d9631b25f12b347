using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Fakes;

/// <summary>Builds fallback chains over fake clients.</summary>
internal static class Chains
{
    public static FallbackChatClient Of(params FakeChatClient[] clients) => Of(null, clients);

    public static FallbackChatClient Of(FallbackChatClientOptions? options, params FakeChatClient[] clients) =>
        new(clients.Select(c => KeyValuePair.Create(c.Name, (IChatClient)c)), options);

    public static FallbackChatClientOptions WithClock(FakeTimeProvider time, TimeSpan? firstToken = null, TimeSpan? stall = null) => new()
    {
        TimeProvider = time,
        Backend = new BackendOptions
        {
            Temperature = null,
            FirstTokenTimeout = firstToken ?? TimeSpan.FromSeconds(10),
            StallTimeout = stall ?? TimeSpan.FromSeconds(10),
        },
    };

    public static List<ChatMessage> Hello() => [new(ChatRole.User, "hello")];

    public static async Task<(List<ChatResponseUpdate> Updates, Exception? Error)> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> stream, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (ChatResponseUpdate update in stream.WithCancellation(cancellationToken))
            {
                updates.Add(update);
            }

            return (updates, null);
        }
        catch (Exception ex)
        {
            return (updates, ex);
        }
    }
}
