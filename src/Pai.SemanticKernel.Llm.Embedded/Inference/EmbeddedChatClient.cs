using System.Runtime.CompilerServices;
using LLama;
using LLama.Abstractions;
using LLama.Common;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The <see cref="IChatClient"/> of one embedded backend: LLamaSharp's chat client over a stateless executor, one per
/// request, each with its own context on the shared weights.
/// </summary>
/// <remarks>
/// <para>LLamaSharp's <c>AsChatClient()</c> does the prompt formatting, the mapping of <see cref="ChatOptions"/> to
/// sampling, the anti-prompts and the streaming decode. This class adds what the router needs and that client does not
/// give: a finish reason (<c>stop</c> or <c>length</c>) and token usage on the last update (a stream without a finish
/// reason counts as broken), an <see cref="OperationCanceledException"/> when the request is cancelled (the executor just
/// stops, which would pass a truncated answer off as complete), the model's own chat template, stop sequences, and
/// streaming without the fixed hold-back of LLamaSharp's output filter (see <see cref="StopSequenceFilter"/>).</para>
/// <para>A <see cref="StatelessExecutor"/> is not safe for concurrent use (it keeps its batch and context in fields),
/// so every request gets a new one; its constructor also creates and frees a context once, a cost paid per request.</para>
/// </remarks>
internal sealed class EmbeddedChatClient : IChatClient
{
    /// <summary>The output limit when neither the request nor <see cref="BackendOptions.MaxTokens"/> sets one (LLamaSharp's own default).</summary>
    internal const int DefaultMaxTokens = 256;

    /// <summary>The context size when <see cref="BackendOptions.ContextSize"/> is not set, if the model was trained with at least this much.</summary>
    internal const int DefaultContextSize = 4096;

    /// <summary>The anti-prompts LLamaSharp's chat client always stops at (the role names of its plain prompt format).</summary>
    private static readonly string[] RoleAntiPrompts = ["User:", "Assistant:", "System:"];

    private static readonly StopSequenceFilter RoleFilter = new(RoleAntiPrompts);

    private readonly string _backend;
    private readonly BackendOptions _options;
    private readonly EmbeddedModelSource _source;
    private readonly ILogger _logger;
    private readonly ChatClientMetadata _metadata;
    private ModelParams? _contextParams;
    private int _toolsWarned;

    internal EmbeddedChatClient(string backend, BackendOptions options, EmbeddedModelSource source)
    {
        _backend = backend;
        _options = options;
        _source = source;
        _logger = source.Logger;
        _metadata = new ChatClientMetadata(BackendProviders.Embedded, providerUri: null, defaultModelId: source.ModelName);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the weights are shared by the process (see <see cref="ModelStore"/>), contexts are per request.</summary>
    public void Dispose()
    {
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LoadedModel model = await _source.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (options?.Tools is { Count: > 0 } tools && Interlocked.Exchange(ref _toolsWarned, 1) == 0)
        {
            EmbeddedLog.ToolsIgnored(_logger, _backend, tools.Count);
        }

        ModelParams contextParams = ContextParamsFor(model);
        var executor = new MeteredExecutor(new StatelessExecutor(model.Weights, contextParams, _logger), model.Weights, (int)contextParams.ContextSize!.Value, _backend);
        (ChatOptions prepared, ITextStreamTransform outputFilter) = Prepare(options);
        IChatClient client = executor.AsChatClient(model.ChatTemplate, outputFilter);

        string? messageId = null;
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(messages, prepared, cancellationToken).ConfigureAwait(false))
        {
            update.ModelId = _metadata.DefaultModelId;
            messageId = update.MessageId;
            yield return update;
        }

        // The executor ends its loop quietly on cancellation: what it produced is a truncated answer, not a complete one.
        cancellationToken.ThrowIfCancellationRequested();
        if (executor.GeneratedTokens == 0)
        {
            // An end-of-text token first is no answer (often a prompt format the model does not know): fail, so the
            // router can try the next backend, rather than pass off an empty reply as a success.
            throw new EmbeddedModelException(model.Path,
                $"Model '{_metadata.DefaultModelId}' of embedded backend '{_backend}' ended its answer before producing any text; its prompt format may not suit it.");
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails
        {
            InputTokenCount = executor.PromptTokens,
            OutputTokenCount = executor.GeneratedTokens,
            TotalTokenCount = executor.PromptTokens + executor.GeneratedTokens,
        })])
        {
            FinishReason = executor.ReachedTokenLimit ? ChatFinishReason.Length : ChatFinishReason.Stop,
            ModelId = _metadata.DefaultModelId,
            MessageId = messageId,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>
    /// The request's options as LLamaSharp's chat client reads them (a copy; the caller's are never changed): a token limit
    /// always (its own fallback is 256), and stop sequences as anti-prompts, removed from the output as OpenAI servers do.
    /// </summary>
    private static (ChatOptions Options, ITextStreamTransform OutputFilter) Prepare(ChatOptions? options)
    {
        ChatOptions prepared = options?.Clone() ?? new ChatOptions();
        int maxTokens = prepared.MaxOutputTokens ??= DefaultMaxTokens;
        string[] antiPrompts = [.. prepared.StopSequences?.Where(s => !string.IsNullOrEmpty(s)) ?? []];
        if (antiPrompts.Length == 0 || prepared.RawRepresentationFactory is not null)
        {
            return (prepared, RoleFilter);
        }

        prepared.RawRepresentationFactory = _ => new InferenceParams { MaxTokens = maxTokens, AntiPrompts = antiPrompts };
        return (prepared, new StopSequenceFilter([.. RoleAntiPrompts, .. antiPrompts]));
    }

    /// <summary>The context settings of this backend (built once the model's trained context is known).</summary>
    private ModelParams ContextParamsFor(LoadedModel model)
    {
        return _contextParams ??= new ModelParams(model.Path)
        {
            ContextSize = (uint)(_options.ContextSize ?? Math.Min(DefaultContextSize, model.TrainedContextSize)),
            Threads = _options.Threads,
            BatchThreads = _options.Threads,
        };
    }
}
