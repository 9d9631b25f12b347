using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Routes chat requests by effort to OpenAI-compatible backends and fails over along each tier's chain: the
/// <c>ModelRouter</c> of the package this library replaces, as a Microsoft.Extensions.AI <see cref="IChatClient"/>.
/// </summary>
/// <remarks>
/// <para>The pipeline is <see cref="EffortRoutingChatClient"/> → one <see cref="FallbackChatClient"/> per tier → one OpenAI
/// SDK client per backend (SDK retries off); requests are routed as the routing client routes them but go to their tier
/// directly, without its copy of the options. Use it directly, as an <see cref="IChatClient"/>, or through dependency
/// injection and Semantic Kernel.</para>
/// <para>Thread-safe. Dispose it to release its connection pools.</para>
/// </remarks>
public sealed class ModelRouter : IChatClient
{
    private readonly PaiLlmOptions _options;
    private readonly ModelRouterServices _services;
    private readonly bool _ownsServices;
    private readonly RouterDiagnostics _diagnostics;
    private readonly Dictionary<string, ChatBackend> _backends;
    private readonly FallbackChatClient[] _tiers;
    private readonly EffortRoutingChatClient _router;
    private readonly BackendProviderRegistry _providers;
    private readonly BackendProber? _prober;

    /// <summary>Builds a router from options.</summary>
    /// <param name="options">The configuration; it is copied, so later changes to it do not affect the router.</param>
    /// <param name="services">Host services (logging, HTTP clients, clock, extra providers); defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The configuration is invalid; the message names each bad setting and value.</exception>
    public ModelRouter(PaiLlmOptions options, ModelRouterServices? services = null)
        : this(options, services, "Pai:Llm")
    {
    }

    internal ModelRouter(PaiLlmOptions options, ModelRouterServices? services, string configurationPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ownsServices = services is null;
        _services = services ?? new ModelRouterServices();
        _providers = new BackendProviderRegistry(_services.Providers);
        PaiLlmOptionsValidator.ThrowIfInvalid(options, configurationPath, _providers);
        _options = Snapshot(options);

        _diagnostics = new RouterDiagnostics(_services.LoggerFactory, _services.MeterFactory);
        _backends = new Dictionary<string, ChatBackend>(StringComparer.OrdinalIgnoreCase);
        var secrets = new List<string?>();
        foreach ((string name, BackendOptions backend) in _options.Backends)
        {
            IChatBackendProvider provider = _providers.Get(BackendProviders.Normalize(backend.Provider));
            IChatClient client = provider.CreateClient(new BackendContext(name, backend, _services));
            var cooldown = new BackendCooldown(name, _options.Cooldown, _services.TimeProvider);
            _diagnostics.Track(cooldown);
            _backends[name] = new ChatBackend(name, client, backend, provider, cooldown, ownsModel: true, disposeClient: true);
            secrets.Add(backend.ApiKey);
        }

        var runtime = new RouterRuntime(_services.TimeProvider, _options.RequestTimeout, _diagnostics, secrets);
        _tiers = new FallbackChatClient[3];
        var tierClients = new Dictionary<EffortLevel, IChatClient>();
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            _tiers[(int)effort] = new FallbackChatClient(TierChains.Build(_options, effort, _backends), runtime, effort);
            tierClients[effort] = _tiers[(int)effort];
        }

        _router = new EffortRoutingChatClient(tierClients, _options.DefaultEffort);

        if (_options.Health.ProbeInterval is { } interval)
        {
            _prober = new BackendProber(CheckBackendsAsync, _backends, _diagnostics, _services.TimeProvider, interval, _options.Health.ProbeTimeout);
            _prober.Start();
        }
    }

    /// <summary>Builds a router from a configuration section of the shape documented on <see cref="PaiLlmOptions"/> (conventionally <c>Pai:Llm</c>).</summary>
    /// <param name="section">The section.</param>
    /// <param name="services">Host services; defaults when <see langword="null"/>.</param>
    /// <returns>The router.</returns>
    /// <exception cref="OptionsValidationException">The configuration is invalid; the message names each bad setting and value.</exception>
    public static ModelRouter FromConfiguration(IConfiguration section, ModelRouterServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        string path = section is IConfigurationSection named ? named.Path : PaiLlmOptions.SectionName;
        return new ModelRouter(PaiLlmConfiguration.Bind(section, path), services, path);
    }

    /// <summary>
    /// Builds a router from environment variables, as the seed package did: <c>VLLM_ENDPOINT</c>/<c>LLM_ENDPOINT</c>,
    /// <c>VLLM_API_KEY</c>/<c>LLM_API_KEY</c>, <c>USE_OLLAMA</c>/<c>LLM_PROVIDER</c>, <c>OLLAMA_ENDPOINT</c>, plus cloud
    /// fallbacks (see <see cref="PaiLlmOptions.FromEnvironment"/>). With none set, the vLLM preset.
    /// </summary>
    /// <param name="services">Host services; defaults when <see langword="null"/>.</param>
    /// <returns>The router.</returns>
    /// <exception cref="OptionsValidationException">A variable has a bad value; the message names it.</exception>
    public static ModelRouter FromEnvironment(ModelRouterServices? services = null) =>
        new(PaiLlmOptions.FromEnvironment(), services, "environment");

    /// <summary>The backend names of each tier's chain, in the order they are tried.</summary>
    /// <param name="effort">The effort level.</param>
    /// <returns>The tier's backends, then lower tiers' (when degrading), then the fallbacks.</returns>
    public IReadOnlyList<string> GetChain(EffortLevel effort) => Tier(effort).BackendNames;

    /// <summary>Sends a request and returns the whole answer (the seed's <c>complete</c>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request; never fails over.</param>
    /// <returns>The answer; its <c>AdditionalProperties</c> name the backend (<see cref="PaiPropertyNames.Backend"/>) and effort that served it.</returns>
    /// <exception cref="ArgumentException">The request has no messages, a null message, or a bad value.</exception>
    /// <exception cref="AllBackendsFailedException">Every backend of the chain failed.</exception>
    /// <exception cref="BackendRequestException">A backend rejected the request itself (HTTP 400, 413, 422).</exception>
    public Task<ChatResponse> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        RequestGuard.Request(request, nameof(request));
        ChatOptions options = request.ToChatOptions();
        return TierFor(options).GetResponseAsync(request.Messages, options, cancellationToken);
    }

    /// <summary>Sends a request and streams the answer (the seed's <c>stream</c>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request; never fails over.</param>
    /// <returns>The updates; the first carries <see cref="PaiPropertyNames.Backend"/> and <see cref="PaiPropertyNames.ServedEffort"/>.</returns>
    /// <exception cref="ArgumentException">The request has no messages, a null message, or a bad value.</exception>
    /// <exception cref="AllBackendsFailedException">Every backend failed before any content was streamed.</exception>
    /// <exception cref="StreamInterruptedException">The stream broke off after content had been yielded.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> StreamAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        RequestGuard.Request(request, nameof(request));
        ChatOptions options = request.ToChatOptions();
        return TierFor(options).GetStreamingResponseAsync(request.Messages, options, cancellationToken);
    }

    /// <summary>Sets the effort of requests that do not choose one (the seed's <c>setEffort</c>). Thread-safe.</summary>
    /// <param name="effort">The effort level.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="effort"/> is not a defined <see cref="EffortLevel"/>.</exception>
    public void SetEffort(EffortLevel effort) => _router.CurrentEffort = Enum.IsDefined(effort)
        ? effort
        : throw new ArgumentOutOfRangeException(nameof(effort), effort, $"Unknown effort level {(int)effort}. Allowed values: {EffortParser.AllowedValues}.");

    /// <summary>The effort of requests that do not choose one (the seed's <c>getEffort</c>).</summary>
    /// <returns>The effort set by <see cref="SetEffort"/>, else the configured <see cref="PaiLlmOptions.DefaultEffort"/>.</returns>
    public EffortLevel GetEffort() => _router.CurrentEffort ?? _router.DefaultEffort;

    /// <summary>The configuration of the first backend of a tier (the seed's <c>getModelConfig</c>).</summary>
    /// <param name="effort">The effort level.</param>
    /// <returns>A copy of the backend's options: <see cref="BackendOptions.Endpoint"/>, <see cref="BackendOptions.Model"/>, <see cref="BackendOptions.MaxTokens"/>, <see cref="BackendOptions.ContextLength"/>, ...</returns>
    public BackendOptions GetModelConfig(EffortLevel effort) => Tier(effort).Chain[0].Backend.Options.Clone();

    /// <summary>The client of one tier, ignoring the effort of requests (for keyed registrations such as <c>"quick"</c>).</summary>
    /// <param name="effort">The tier.</param>
    /// <returns>The tier's fallback chain.</returns>
    public IChatClient GetTierClient(EffortLevel effort) => Tier(effort);

    /// <summary>Whether any backend answers its health probe (the seed's <c>healthCheck</c>).</summary>
    /// <param name="cancellationToken">Cancels the probes.</param>
    /// <returns><see langword="true"/> when at least one backend is reachable.</returns>
    public async Task<bool> HealthCheckAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<BackendHealthReport> reports = await CheckBackendsAsync(cancellationToken).ConfigureAwait(false);
        return reports.Any(r => r.Reachable);
    }

    /// <summary>
    /// Whether each tier can answer (the seed's <c>healthCheckAll</c>): keys <c>quick</c>, <c>standard</c>,
    /// <c>determined</c>, and <c>fallback</c> when fallbacks are configured.
    /// </summary>
    /// <param name="cancellationToken">Cancels the probes.</param>
    /// <returns>Per key, <see langword="true"/> when at least one of that tier's own backends is healthy (reachable and serving its model).</returns>
    public async Task<IReadOnlyDictionary<string, bool>> HealthCheckAllAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<BackendHealthReport> reports = await CheckBackendsAsync(cancellationToken).ConfigureAwait(false);
        var healthy = reports.Where(r => r.IsHealthy).Select(r => r.Backend).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var result = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            result[EffortParser.ToName(effort)] = TierChains.TierFor(_options, effort).Backends.Any(healthy.Contains);
        }

        if (_options.Fallback.Count > 0)
        {
            result["fallback"] = _options.Fallback.Any(healthy.Contains);
        }

        return result;
    }

    /// <summary>Probes every backend once, in parallel: reachable, model listed, latency, error.</summary>
    /// <param name="cancellationToken">Cancels the probes.</param>
    /// <returns>One report per backend, in configuration order. Never contains secrets.</returns>
    public async Task<IReadOnlyList<BackendHealthReport>> CheckBackendsAsync(CancellationToken cancellationToken = default)
    {
        Task<BackendHealthReport>[] probes = [.. _backends.Values.Select(backend => ProbeAsync(backend, cancellationToken))];
        return await Task.WhenAll(probes).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that each backend serves its configured model, as <c>Health:ValidateModelsOnStart</c> says: compares the
    /// model with the backend's <c>GET {endpoint}/models</c> list (catches a vLLM server serving another model, or an
    /// Ollama model that was never pulled).
    /// </summary>
    /// <param name="cancellationToken">Cancels the probes.</param>
    /// <returns>The reports of the backends that failed the check; empty when the mode is <see cref="ModelValidationMode.Off"/> (nothing is probed).</returns>
    /// <exception cref="ModelValidationException">The mode is <see cref="ModelValidationMode.Fail"/> and a backend lists models without its own.</exception>
    public Task<IReadOnlyList<BackendHealthReport>> ValidateModelsAsync(CancellationToken cancellationToken = default) =>
        ValidateModelsAsync(_options.Health.ValidateModelsOnStart, cancellationToken);

    /// <summary>
    /// Checks that each backend serves its configured model: compares the model with the backend's
    /// <c>GET {endpoint}/models</c> list, and logs a warning (<see cref="ModelValidationMode.Warn"/>) or also throws
    /// (<see cref="ModelValidationMode.Fail"/>) naming each backend and model that do not match.
    /// </summary>
    /// <param name="mode">What to do about a backend that does not list its model.</param>
    /// <param name="cancellationToken">Cancels the probes.</param>
    /// <returns>
    /// The reports of the backends that failed the check: those that list other models, and those that could not be
    /// checked (unreachable). Empty when the mode is <see cref="ModelValidationMode.Off"/> (nothing is probed).
    /// </returns>
    /// <remarks>
    /// An unreachable backend is logged as a warning but never fails the check, even with <see cref="ModelValidationMode.Fail"/>:
    /// a backend that is down at start-up is what failover is for. Backends whose provider cannot tell which models it
    /// serves are skipped.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined <see cref="ModelValidationMode"/>.</exception>
    /// <exception cref="ModelValidationException"><paramref name="mode"/> is <see cref="ModelValidationMode.Fail"/> and a backend lists models without its own.</exception>
    public async Task<IReadOnlyList<BackendHealthReport>> ValidateModelsAsync(ModelValidationMode mode, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown model validation mode {(int)mode}. Allowed values: Off, Warn, Fail.");
        }

        if (mode == ModelValidationMode.Off)
        {
            return [];
        }

        IReadOnlyList<BackendHealthReport> reports = await CheckBackendsAsync(cancellationToken).ConfigureAwait(false);
        var failed = new List<BackendHealthReport>();
        var mismatched = new List<BackendHealthReport>();
        foreach (BackendHealthReport report in reports)
        {
            if (report.ModelListed == false)
            {
                _diagnostics.ModelNotListed(report);
                failed.Add(report);
                mismatched.Add(report);
            }
            else if (!report.Reachable)
            {
                _diagnostics.ModelNotChecked(report);
                failed.Add(report);
            }
        }

        if (mode == ModelValidationMode.Fail && mismatched.Count > 0)
        {
            throw new ModelValidationException(mismatched);
        }

        return failed;
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        RequestGuard.Messages(messages, nameof(messages));
        return TierFor(options).GetResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        RequestGuard.Messages(messages, nameof(messages));
        return TierFor(options).GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        return _router.GetService(serviceType, serviceKey);
    }

    /// <summary>Returns the router's configuration summary; never an API key.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"ModelRouter({_options})";

    /// <summary>Stops background probing and releases the backends' clients and connection pools.</summary>
    public void Dispose()
    {
        _prober?.Dispose();
        _router.Dispose();
        foreach (ChatBackend backend in _backends.Values)
        {
            backend.Dispose();
        }

        _diagnostics.Dispose();
        if (_ownsServices)
        {
            _services.Dispose();
        }
    }

    internal IReadOnlyDictionary<string, ChatBackend> Backends => _backends;

    internal PaiLlmOptions Options => _options;

    /// <summary>The background prober, when <c>Health:ProbeInterval</c> is set.</summary>
    internal BackendProber? Prober => _prober;

    /// <summary>
    /// The tier that serves a request, chosen as <see cref="EffortRoutingChatClient"/> chooses it (a bad effort throws
    /// <see cref="ArgumentException"/> before any backend is called).
    /// </summary>
    /// <remarks>
    /// Requests go to the tier directly rather than through the routing client: each tier's chain has its effort fixed and
    /// takes the effort key out of the options itself (<see cref="ChatBackend.PrepareOptions"/>), so the routing client's
    /// stamped clone of the options would be made only to be cloned again.
    /// </remarks>
    private FallbackChatClient TierFor(ChatOptions? options) => _tiers[(int)_router.ResolveEffort(options)];

    private FallbackChatClient Tier(EffortLevel effort) => Enum.IsDefined(effort)
        ? _tiers[(int)effort]
        : throw new ArgumentOutOfRangeException(nameof(effort), effort, $"Unknown effort level {(int)effort}. Allowed values: {EffortParser.AllowedValues}.");

    private async Task<BackendHealthReport> ProbeAsync(ChatBackend backend, CancellationToken cancellationToken)
    {
        var context = new BackendContext(backend.Name, backend.Options, _services);
        TimeSpan timeout = _options.Health.ProbeTimeout;
        using var probeTimeout = new CancellationTokenSource(TimerDelays.AtMostATimersWait(timeout), _services.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, probeTimeout.Token);
        long started = _services.TimeProvider.GetTimestamp();
        try
        {
            return await backend.Provider!.CheckHealthAsync(context, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new BackendHealthReport(backend.Name, BackendProviders.Normalize(backend.Options.Provider), SecretRedactor.Describe(backend.Options.Endpoint),
                backend.Model ?? backend.Name, Reachable: false, ModelListed: null, _services.TimeProvider.GetElapsedTime(started),
                $"No answer within {timeout:c} (Health:ProbeTimeout).");
        }
    }

    private static PaiLlmOptions Snapshot(PaiLlmOptions source)
    {
        var copy = new PaiLlmOptions
        {
            DefaultEffort = source.DefaultEffort,
            RequestTimeout = source.RequestTimeout,
            Cooldown = new CooldownOptions { FailureThreshold = source.Cooldown.FailureThreshold, Duration = source.Cooldown.Duration, MaxDuration = source.Cooldown.MaxDuration },
            Health = new HealthOptions { ProbeInterval = source.Health.ProbeInterval, ProbeTimeout = source.Health.ProbeTimeout, ValidateModelsOnStart = source.Health.ValidateModelsOnStart },
        };
        foreach ((string name, BackendOptions backend) in source.Backends)
        {
            copy.Backends[name] = backend.Clone();
        }

        foreach ((string name, TierOptions tier) in source.Tiers)
        {
            var tierCopy = new TierOptions { DegradeToLowerTiers = tier.DegradeToLowerTiers };
            foreach (string backend in tier.Backends)
            {
                tierCopy.Backends.Add(backend);
            }

            copy.Tiers[name] = tierCopy;
        }

        foreach (string fallback in source.Fallback)
        {
            copy.Fallback.Add(fallback);
        }

        return copy;
    }
}
