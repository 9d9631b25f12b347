using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The <see cref="IChatClient"/> that dependency injection registers: it sends each request to the <see cref="ModelRouter"/>
/// built from the latest valid configuration, and builds a new router when <see cref="IOptionsMonitor{TOptions}"/> reports
/// a change.
/// </summary>
/// <remarks>
/// <para>A request keeps the router it started on until it ends (for a stream: until the enumerator is disposed), so a
/// reload never disturbs a request in flight. A replaced router is disposed when its last request ends (see
/// <see cref="RouterGeneration"/>); the start-up router is the <see cref="ModelRouter"/> singleton of the container and is
/// left to the container to dispose, because code that injected it may still use it.</para>
/// <para>A changed configuration that fails binding or validation is logged (naming each bad setting) and not applied:
/// the previous router stays in force (see <see cref="RoutingConfigurationState"/>).</para>
/// </remarks>
internal sealed partial class ReloadingRouterClient : IChatClient
{
    private readonly ModelRouterServices _services;
    private readonly RoutingConfigurationState? _state;
    private readonly string _configurationPath;
    private readonly Action<IEnumerable<string>>? _backendsChanged;
    private readonly ILogger _logger;
    private readonly ModelRouter _startup;
    private readonly EffortRoutingChatClient? _startupRouting;
    private readonly IDisposable? _subscription;
    private readonly Lock _gate = new();
    private RouterGeneration _current;
    private bool _startupHandedOut;
    private bool _disposed;

    /// <param name="options">The configuration; its current value must be valid.</param>
    /// <param name="state">Binding errors of changed configurations; told when the start-up router exists.</param>
    /// <param name="configurationPath">The path that names settings in error messages, for example <c>Pai:Llm</c>.</param>
    /// <param name="services">Host services shared by every router this client builds; disposed with this client.</param>
    /// <param name="backendsChanged">Called after a reload with the backend names of the old and new configuration (to refresh their HTTP client settings).</param>
    internal ReloadingRouterClient(
        IOptionsMonitor<PaiLlmOptions> options,
        RoutingConfigurationState? state,
        string configurationPath,
        ModelRouterServices services,
        Action<IEnumerable<string>>? backendsChanged = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _state = state;
        _configurationPath = configurationPath;
        _backendsChanged = backendsChanged;
        _logger = services.LoggerFactory.CreateLogger("Pai.SemanticKernel.Llm.Configuration");

        // CurrentValue runs binding and validation: an invalid configuration throws OptionsValidationException here,
        // naming each bad setting, before any request is sent.
        _startup = new ModelRouter(options.CurrentValue, services, configurationPath);
        _startupRouting = _startup.GetService<EffortRoutingChatClient>();
        _current = new RouterGeneration(_startup, disposeWhenReleased: false);
        _state?.MarkRouterBuilt();
        _subscription = options.OnChange(Reload);
    }

    /// <summary>The router built at start-up; registered as the container's <see cref="ModelRouter"/>, which then owns it.</summary>
    internal ModelRouter StartupRouter
    {
        get
        {
            lock (_gate)
            {
                _startupHandedOut = true;
                return _startup;
            }
        }
    }

    /// <summary>The router that new requests use.</summary>
    internal ModelRouter CurrentRouter => Volatile.Read(ref _current).Router;

    /// <summary>The generation that new requests use (tests watch its disposal).</summary>
    internal RouterGeneration CurrentGeneration => Volatile.Read(ref _current);

    /// <summary>
    /// The effort of a request that chooses none: the one set with <see cref="ModelRouter.SetEffort"/> on the container's
    /// <see cref="ModelRouter"/> (it holds across reloads), else the one set on the current router, else the current
    /// configuration's <see cref="PaiLlmOptions.DefaultEffort"/>.
    /// </summary>
    internal EffortLevel EffortForRequestsWithoutOne => _startupRouting?.CurrentEffort ?? CurrentRouter.GetEffort();

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        RequestGuard.Messages(messages, nameof(messages));
        RouterGeneration generation = Acquire();
        try
        {
            return await generation.Router.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            generation.Release();
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Checked now, as the router does, so that a bad request fails at the call rather than at the first MoveNextAsync.
        RequestGuard.Messages(messages, nameof(messages));
        _ = EffortParser.Read(options);
        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        // ModelRouter, ChatClientMetadata and the rest come from the router that new requests use.
        return CurrentRouter.GetService(serviceType, serviceKey);
    }

    /// <summary>Stops following the configuration and disposes every router this client built. Idempotent.</summary>
    public void Dispose()
    {
        RouterGeneration current;
        bool disposeStartup;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            current = _current;
            disposeStartup = !_startupHandedOut;
        }

        _subscription?.Dispose();

        // The host is stopping: requests still running are being cancelled with it.
        current.DisposeRouter();
        if (disposeStartup)
        {
            _startup.Dispose();
        }

        _services.Dispose();
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RouterGeneration generation = Acquire();
        try
        {
            await foreach (ChatResponseUpdate update in generation.Router.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            generation.Release();
        }
    }

    private RouterGeneration Acquire()
    {
        while (true)
        {
            RouterGeneration generation = Volatile.Read(ref _current);
            if (generation.TryAcquire())
            {
                return generation;
            }

            // The generation was retired and released between the read and the acquire: a newer one is current now,
            // unless this client is disposed.
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        }
    }

    private void Reload(PaiLlmOptions options, string? name)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return;
        }

        if (_state?.BindErrorOf(options) is { } bindError)
        {
            LogReloadRejected(_logger, bindError, _configurationPath, bindError.Message);
            return;
        }

        // Before the new router asks the factory for its HTTP clients, so that handlers the factory creates from now on
        // use the new settings (a handler already pooled keeps its ConnectTimeout until the factory rotates it).
        _backendsChanged?.Invoke(CurrentRouter.Options.Backends.Keys.Concat(options.Backends.Keys));

        ModelRouter next;
        try
        {
            next = new ModelRouter(options, _services, _configurationPath);
        }
        catch (Exception ex) when (ex is OptionsValidationException or ArgumentException or InvalidOperationException)
        {
            // Thrown from a configuration change callback, the exception would reach whoever reloaded the configuration
            // (for a file, a background task nobody observes): log it, and keep the previous routing.
            LogReloadRejected(_logger, ex, _configurationPath, ex.Message);
            return;
        }

        RouterGeneration previous;
        lock (_gate)
        {
            if (_disposed)
            {
                next.Dispose();
                return;
            }

            previous = _current;
            Volatile.Write(ref _current, new RouterGeneration(next, disposeWhenReleased: true));
        }

        previous.Retire();
        LogReloaded(_logger, _configurationPath, next.Options.Backends.Count);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Configuration {Path} changed: new requests use the new routing ({Backends} backends); requests in flight finish on the previous one.")]
    private static partial void LogReloaded(ILogger logger, string path, int backends);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "Configuration {Path} changed but is not valid, so the change is not applied and the previous routing stays in force: {Problems}")]
    private static partial void LogReloadRejected(ILogger logger, Exception exception, string path, string problems);
}
