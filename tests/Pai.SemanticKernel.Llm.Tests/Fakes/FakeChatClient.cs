using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm.Tests.Fakes;

/// <summary>An in-memory chat client for unit tests of routing logic: answers, fails or streams as scripted.</summary>
internal sealed class FakeChatClient(string name) : IChatClient
{
    private int _calls;

    public string Name { get; } = name;

    public int Calls => Volatile.Read(ref _calls);

    public List<ChatOptions?> ReceivedOptions { get; } = [];

    /// <summary>Non-streaming behaviour; default: answers "{name} says hi".</summary>
    public Func<CancellationToken, Task<ChatResponse>>? Respond { get; set; }

    /// <summary>Streaming behaviour; default: role chunk, two text chunks, finish reason.</summary>
    public Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? Stream { get; set; }

    public static FakeChatClient Failing(string name, Exception error) => new(name)
    {
        Respond = _ => Task.FromException<ChatResponse>(error),
        Stream = _ => Throwing(error),
    };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        lock (ReceivedOptions)
        {
            ReceivedOptions.Add(options);
        }

        return Respond?.Invoke(cancellationToken)
            ?? Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{Name} says hi")) { FinishReason = ChatFinishReason.Stop, ModelId = Name + "-model" });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        lock (ReceivedOptions)
        {
            ReceivedOptions.Add(options);
        }

        return Stream?.Invoke(cancellationToken) ?? Updates(cancellationToken, Role(), Text(Name), Text(" says hi"), Finish());
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake", null, Name + "-model") : null;

    public void Dispose()
    {
    }

    public static ChatResponseUpdate Role() => new() { Role = ChatRole.Assistant };

    public static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text);

    public static ChatResponseUpdate Finish(ChatFinishReason? reason = null) => new() { FinishReason = reason ?? ChatFinishReason.Stop };

    public static async IAsyncEnumerable<ChatResponseUpdate> Updates(
        [EnumeratorCancellation] CancellationToken cancellationToken, params object[] steps)
    {
        foreach (object step in steps)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            switch (step)
            {
                case ChatResponseUpdate update:
                    yield return update;
                    break;
                case Exception error:
                    throw error;
                case Func<CancellationToken, Task> wait:
                    await wait(cancellationToken);
                    break;
            }
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Throwing(Exception error)
    {
        await Task.Yield();
        throw error;
#pragma warning disable CS0162 // Unreachable: makes this an iterator.
        yield break;
#pragma warning restore CS0162
    }
}
