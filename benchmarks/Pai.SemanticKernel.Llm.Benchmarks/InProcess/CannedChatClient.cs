using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm.Benchmarks.InProcess;

/// <summary>
/// An in-memory chat client that answers at once: a new response per call (as a real client returns), and a stream of
/// <see cref="Updates"/> updates that completes synchronously, so that what is measured around it is the caller's cost.
/// </summary>
internal sealed class CannedChatClient : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new("canned", null, "canned-model");
    private readonly ChatResponseUpdate[] _body;

    /// <param name="updates">The updates per stream, at least 1: a fresh first one with text, shared text updates, and a last one with a finish reason.</param>
    internal CannedChatClient(int updates)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(updates, 1);
        Updates = updates;
        _body = new ChatResponseUpdate[updates - 1];
        for (int i = 0; i < _body.Length; i++)
        {
            _body[i] = new ChatResponseUpdate(ChatRole.Assistant, " token")
            {
                FinishReason = i == _body.Length - 1 ? ChatFinishReason.Stop : null,
                ModelId = "canned-model",
            };
        }
    }

    internal int Updates { get; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "The quick brown fox jumps over the lazy dog."))
        {
            FinishReason = ChatFinishReason.Stop,
            ModelId = "canned-model",
        });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamAsync(cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata : null;

    public void Dispose()
    {
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The first update is new per stream, like a real client's: the router stamps its AdditionalProperties.
        yield return new ChatResponseUpdate(ChatRole.Assistant, "The")
        {
            FinishReason = _body.Length == 0 ? ChatFinishReason.Stop : null,
            ModelId = "canned-model",
        };

        foreach (ChatResponseUpdate update in _body)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
