using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm;

/// <summary>A request to <see cref="ModelRouter.CompleteAsync"/> or <see cref="ModelRouter.StreamAsync"/> (the seed's <c>CompletionRequest</c>).</summary>
public sealed class CompletionRequest
{
    /// <summary>Initializes an empty request; set <see cref="Messages"/>.</summary>
    public CompletionRequest()
    {
    }

    /// <summary>Initializes a request with one user message.</summary>
    /// <param name="prompt">The user's message.</param>
    public CompletionRequest(string prompt) => Messages = [new ChatMessage(ChatRole.User, prompt)];

    /// <summary>Initializes a request with a conversation.</summary>
    /// <param name="messages">The messages, oldest first.</param>
    public CompletionRequest(IEnumerable<ChatMessage> messages) => Messages = [.. messages];

    /// <summary>The conversation, oldest first. Must hold at least one message and no <see langword="null"/>.</summary>
    public IList<ChatMessage> Messages { get; set; } = [];

    /// <summary>Tools the model may call.</summary>
    public IList<AITool>? Tools { get; set; }

    /// <summary>Whether and how the model must call tools.</summary>
    public ChatToolMode? ToolChoice { get; set; }

    /// <summary>The effort of this request; <see langword="null"/> uses the router's current effort.</summary>
    public EffortLevel? Effort { get; set; }

    /// <summary>The sampling temperature; <see langword="null"/> uses the backend's default.</summary>
    public float? Temperature { get; set; }

    /// <summary>The output-token limit; <see langword="null"/> uses the backend's <see cref="BackendOptions.MaxTokens"/>.</summary>
    public int? MaxTokens { get; set; }

    internal ChatOptions ToChatOptions()
    {
        var options = new ChatOptions
        {
            Tools = Tools,
            ToolMode = ToolChoice,
            Temperature = Temperature,
            MaxOutputTokens = MaxTokens,
        };
        if (Effort is { } effort)
        {
            options.WithEffort(effort);
        }

        return options;
    }
}
