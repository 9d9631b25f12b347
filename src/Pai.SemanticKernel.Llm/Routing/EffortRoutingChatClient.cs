using Microsoft.Extensions.AI;

#pragma warning disable MEAI001 // RoutingChatClient is experimental in Microsoft.Extensions.AI 10.x; this client builds on it by design.

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Routes each request to the client of its effort tier. The effort comes from the request's
/// <see cref="ChatOptions.AdditionalProperties"/> (<see cref="PaiPropertyNames.Effort"/>), else <see cref="CurrentEffort"/>,
/// else <see cref="DefaultEffort"/>.
/// </summary>
/// <remarks>
/// <para>An effort value that is neither an <see cref="EffortLevel"/> nor its name throws <see cref="ArgumentException"/>
/// before any tier is called. The caller's <see cref="ChatOptions"/> are never modified: the tier client receives a clone in
/// which the effort is normalized to an <see cref="EffortLevel"/> (backends built by this library remove it before the
/// wire).</para>
/// <para>Built on Microsoft.Extensions.AI's experimental <c>RoutingChatClient</c> (diagnostic MEAI001, suppressed inside
/// this library; callers need not suppress anything). Requests are dispatched to the tier directly rather than through the
/// base class's generic path, which would cost an extra async layer per request and an extra iterator step per streamed
/// update.</para>
/// </remarks>
public sealed class EffortRoutingChatClient : RoutingChatClient
{
    private readonly IChatClient[] _tiers;
    private readonly bool _disposeTiers;
    private readonly ChatClientMetadata? _metadata;
    private volatile int _currentEffort = -1;

    /// <summary>Initializes a router over one client per effort level.</summary>
    /// <param name="tiers">The client of each effort level; every <see cref="EffortLevel"/> must have one.</param>
    /// <param name="defaultEffort">The effort of requests that set none, when <see cref="CurrentEffort"/> is not set either.</param>
    /// <param name="disposeTiers">Whether disposing this client disposes the tier clients.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tiers"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An effort level has no client.</exception>
    public EffortRoutingChatClient(IReadOnlyDictionary<EffortLevel, IChatClient> tiers, EffortLevel defaultEffort = EffortLevel.Standard, bool disposeTiers = false)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        if (!Enum.IsDefined(defaultEffort))
        {
            throw new ArgumentOutOfRangeException(nameof(defaultEffort), defaultEffort, $"Unknown effort level {(int)defaultEffort}. Allowed values: {EffortParser.AllowedValues}.");
        }

        _tiers = new IChatClient[3];
        foreach (EffortLevel level in Enum.GetValues<EffortLevel>())
        {
            if (!tiers.TryGetValue(level, out IChatClient? client) || client is null)
            {
                throw new ArgumentException($"Effort level '{EffortParser.ToName(level)}' has no client; every effort level ({EffortParser.AllowedValues}) needs one.", nameof(tiers));
            }

            _tiers[(int)level] = client;
        }

        DefaultEffort = defaultEffort;
        _disposeTiers = disposeTiers;
        ChatClientMetadata? inner = _tiers[(int)defaultEffort].GetService<ChatClientMetadata>();
        _metadata = new ChatClientMetadata("pai", inner?.ProviderUri, inner?.DefaultModelId);
    }

    /// <summary>The effort of requests that set none, when <see cref="CurrentEffort"/> is not set.</summary>
    public EffortLevel DefaultEffort { get; }

    /// <summary>The effort of requests that set none (the seed's <c>setEffort</c>); <see langword="null"/> to use <see cref="DefaultEffort"/>. Thread-safe.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="EffortLevel"/>.</exception>
    public EffortLevel? CurrentEffort
    {
        get => _currentEffort < 0 ? null : (EffortLevel)_currentEffort;
        set
        {
            if (value is { } level && !Enum.IsDefined(level))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Unknown effort level {(int)level}. Allowed values: {EffortParser.AllowedValues}.");
            }

            _currentEffort = value is { } effort ? (int)effort : -1;
        }
    }

    /// <summary>The effort a request with these options gets.</summary>
    /// <param name="options">The request's options.</param>
    /// <returns>The request's own effort, else <see cref="CurrentEffort"/>, else <see cref="DefaultEffort"/>.</returns>
    /// <exception cref="ArgumentException">The options carry an effort value that is not one.</exception>
    public EffortLevel ResolveEffort(ChatOptions? options) => EffortParser.Read(options) ?? CurrentEffort ?? DefaultEffort;

    /// <summary>The client that serves <paramref name="effort"/>.</summary>
    /// <param name="effort">The effort level.</param>
    /// <returns>The tier's client.</returns>
    public IChatClient GetTierClient(EffortLevel effort) =>
        Enum.IsDefined(effort) ? _tiers[(int)effort] : throw new ArgumentOutOfRangeException(nameof(effort), effort, $"Unknown effort level {(int)effort}. Allowed values: {EffortParser.AllowedValues}.");

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // Resolve before anything is sent so that a bad effort fails at once, whatever the tier client does.
        EffortLevel effort = ResolveEffort(options);

        // Straight to the tier with one stamped clone: the base class's path would also allocate a RoutingContext and
        // await the tier in an extra async layer.
        return _tiers[(int)effort].GetResponseAsync(messages, Stamped(options, effort), cancellationToken);
    }

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        EffortLevel effort = ResolveEffort(options);

        // The tier's own stream, not re-yielded: the base class's iterator would cost every update another MoveNextAsync.
        return _tiers[(int)effort].GetStreamingResponseAsync(messages, Stamped(options, effort), cancellationToken);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return base.GetService(serviceType, serviceKey) ?? _tiers[(int)(CurrentEffort ?? DefaultEffort)].GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    /// <remarks>Requests do not go through this method (they are dispatched directly, see <see cref="GetResponseAsync"/>); it
    /// answers as they are routed, stamping the resolved effort into the context's options.</remarks>
    protected override ValueTask<IChatClient> SelectClientAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        EffortLevel effort = ResolveEffort(context.ChatOptions);
        if (context.ChatOptions is { } options)
        {
            // context.ChatOptions is the routing clone, never the caller's instance.
            (options.AdditionalProperties ??= [])[PaiPropertyNames.Effort] = EffortParser.Boxed(effort);
        }

        return new ValueTask<IChatClient>(_tiers[(int)effort]);
    }

    // The options the tier receives: a clone of the caller's (never modified) with the effort normalized to an EffortLevel.
    private static ChatOptions Stamped(ChatOptions? options, EffortLevel effort)
    {
        ChatOptions routed = options?.Clone() ?? new ChatOptions();
        (routed.AdditionalProperties ??= [])[PaiPropertyNames.Effort] = EffortParser.Boxed(effort);
        return routed;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _disposeTiers)
        {
            foreach (IChatClient tier in _tiers.Distinct())
            {
                tier.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
