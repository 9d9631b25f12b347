using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pai.SemanticKernel.Llm;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers effort routing with dependency injection.</summary>
public static class PaiLlmServiceCollectionExtensions
{
    /// <summary>
    /// Registers the effort-routing <see cref="IChatClient"/> configured by a configuration section (conventionally
    /// <c>Pai:Llm</c>, of the shape documented on <see cref="PaiLlmOptions"/>), following changes of that section.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section, for example <c>builder.Configuration.GetSection("Pai:Llm")</c>.</param>
    /// <returns>The builder of the routed client's pipeline: chain <c>.UseFunctionInvocation()</c>, <c>.UseOpenTelemetry()</c>, <c>.UseLogging()</c>, <c>.UseDistributedCache()</c>, ...</returns>
    /// <remarks>
    /// <para>The section is bound and validated when the host starts (<c>ValidateOnStart</c>): a bad setting stops the host
    /// with an <see cref="OptionsValidationException"/> that names it (for example <c>Pai:Llm:Backends:local:Endpoint</c>).
    /// Without a host, the first resolution of a routed client throws it.</para>
    /// <para>When the section changes (for example <c>appsettings.json</c> edited, with <c>reloadOnChange</c>), new requests
    /// use a router built from the new configuration; requests in flight finish on the router they started on, which is
    /// disposed after the last of them. A change that fails validation is not applied.</para>
    /// <para>See <see cref="AddPaiEffortRouting(IServiceCollection, Action{PaiLlmOptions})"/> for everything registered.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Effort routing is already registered in <paramref name="services"/>.</exception>
    public static ChatClientBuilder AddPaiEffortRouting(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        string path = section is IConfigurationSection named ? named.Path : PaiLlmOptions.SectionName;
        return AddCore(services, path, options =>
        {
            // The core's binding: a misspelt key or a value of the wrong type is reported with its path, where the
            // configuration binder alone would drop it silently.
            options.Configure<RoutingConfigurationState>((settings, state) => state.Bind(target => PaiLlmConfiguration.Bind(section, path, target), settings));
            services.AddSingleton<IOptionsChangeTokenSource<PaiLlmOptions>>(new ConfigurationChangeTokenSource<PaiLlmOptions>(Options.Options.DefaultName, section));
        });
    }

    /// <summary>Registers the effort-routing <see cref="IChatClient"/> configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Fills the options, for example by adding backends and tiers.</param>
    /// <returns>The builder of the routed client's pipeline: chain <c>.UseFunctionInvocation()</c>, <c>.UseOpenTelemetry()</c>, <c>.UseLogging()</c>, <c>.UseDistributedCache()</c>, ...</returns>
    /// <remarks>
    /// <para>Registers:</para>
    /// <list type="bullet">
    /// <item><description><see cref="IChatClient"/>: the pipeline returned here around the router. The effort of a request
    /// that sets none is fixed by the pipeline's outermost layer before any middleware runs, so every round trip of a tool
    /// loop goes to the same tier.</description></item>
    /// <item><description>keyed <see cref="IChatClient"/>s <c>"quick"</c>, <c>"standard"</c>, <c>"determined"</c>
    /// (<c>[FromKeyedServices("quick")]</c>): the same pipeline pinned to one tier, whatever effort a request
    /// carries.</description></item>
    /// <item><description><see cref="ModelRouter"/>: the router built at start-up (health checks, chains,
    /// <see cref="ModelRouter.SetEffort"/>, which applies to every client registered here). It does not follow
    /// configuration reloads; <c>chatClient.GetService&lt;ModelRouter&gt;()</c> returns the router new requests use.</description></item>
    /// <item><description>a hosted service that, per <see cref="HealthOptions.ValidateModelsOnStart"/>, checks at host start
    /// that every backend lists its configured model (warning, or stopping the host with a
    /// <see cref="ModelValidationException"/>).</description></item>
    /// <item><description><see cref="PaiLlmOptions"/> options validated at start-up, and <see cref="IHttpClientFactory"/> with
    /// one named client per backend (<see cref="ModelRouterServices.HttpClientName"/>, <c>Pai.Llm.{backend}</c>) whose primary
    /// handler has the backend's <see cref="BackendOptions.ConnectTimeout"/>. Add handlers after this call with
    /// <c>services.AddHttpClient("Pai.Llm.{backend}").AddHttpMessageHandler(...)</c>. The OpenAI SDK's own retries are off:
    /// the router decides what happens after a failure.</description></item>
    /// </list>
    /// <para>The routers use the container's <see cref="ILoggerFactory"/>, <see cref="IMeterFactory"/>,
    /// <see cref="TimeProvider"/> and every registered <see cref="IChatBackendProvider"/>, when present.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Effort routing is already registered in <paramref name="services"/>.</exception>
    public static ChatClientBuilder AddPaiEffortRouting(this IServiceCollection services, Action<PaiLlmOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, PaiLlmOptions.SectionName, options => options.Configure(configure));
    }

    /// <summary>
    /// Registers the effort-routing <see cref="IChatClient"/> with fixed options, for example
    /// <see cref="PaiPresets.Ollama"/> or <see cref="PaiLlmOptions.FromEnvironment"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="options">The configuration; it is copied, so later changes to it have no effect.</param>
    /// <returns>The builder of the routed client's pipeline.</returns>
    /// <remarks>See <see cref="AddPaiEffortRouting(IServiceCollection, Action{PaiLlmOptions})"/> for everything registered.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Effort routing is already registered in <paramref name="services"/>.</exception>
    public static ChatClientBuilder AddPaiEffortRouting(this IServiceCollection services, PaiLlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        return AddFixed(services, options, PaiLlmOptions.SectionName);
    }

    /// <summary>Registers fixed options whose validation messages name settings under <paramref name="path"/> (for example <c>environment</c>).</summary>
    internal static ChatClientBuilder AddFixed(IServiceCollection services, PaiLlmOptions options, string path)
    {
        var copy = new PaiLlmOptions();
        PaiLlmOptionsCopy.Into(options, copy);
        return AddCore(services, path, builder => builder.Configure(settings => PaiLlmOptionsCopy.Into(copy, settings)));
    }

    /// <summary>The key of the routed pipeline itself; the unkeyed and tier clients forward to it.</summary>
    /// <remarks>
    /// A private key rather than "the last unkeyed IChatClient", so that a client the application registers after this one
    /// cannot take the place of the pipeline behind the tier clients.
    /// </remarks>
    internal static readonly object PipelineKey = new PipelineServiceKey();

    private static ChatClientBuilder AddCore(IServiceCollection services, string path, Action<OptionsBuilder<PaiLlmOptions>> configure)
    {
        if (services.Any(descriptor => descriptor.ServiceType == typeof(ReloadingRouterClient)))
        {
            throw new InvalidOperationException(
                "AddPaiEffortRouting has already been called on this service collection. Call it once: one router serves every effort (use the keyed clients \"quick\", \"standard\", \"determined\" for a fixed tier).");
        }

        OptionsBuilder<PaiLlmOptions> options = services.AddOptions<PaiLlmOptions>();
        configure(options);
        options.ValidateOnStart();
        services.AddSingleton<RoutingConfigurationState>();
        services.AddSingleton<IValidateOptions<PaiLlmOptions>>(sp =>
            new PaiLlmOptionsValidation(path, sp.GetServices<IChatBackendProvider>(), sp.GetRequiredService<RoutingConfigurationState>()));

        services.AddHttpClient();
        services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>, BackendHttpClientOptions>();

        services.AddSingleton(sp => new ReloadingRouterClient(
            sp.GetRequiredService<IOptionsMonitor<PaiLlmOptions>>(),
            sp.GetRequiredService<RoutingConfigurationState>(),
            path,
            CreateRouterServices(sp),
            backends => ForgetHttpClientSettings(sp, backends)));
        services.AddSingleton(sp => sp.GetRequiredService<ReloadingRouterClient>().StartupRouter);

        // Health:ValidateModelsOnStart (Off by default): compares each backend's model with its /models list at host start.
        services.AddPaiLlmStartupValidation();

        ChatClientBuilder pipeline = services.AddKeyedChatClient(PipelineKey, sp => sp.GetRequiredService<ReloadingRouterClient>());

        // The first Use is the outermost layer: the effort of a request that sets none is fixed here, before a
        // function-invoking client added by the caller starts a tool loop, so that SetEffort or a reload during the loop
        // cannot move its later round trips to another tier. A bad effort value throws ArgumentException here.
        pipeline.Use((inner, sp) =>
        {
            ReloadingRouterClient router = sp.GetRequiredService<ReloadingRouterClient>();
            return new ConfigureOptionsChatClient(inner, chatOptions =>
            {
                if (chatOptions.GetEffort() is null)
                {
                    chatOptions.WithEffort(router.EffortForRequestsWithoutOne);
                }
            });
        });

        // Keyed tier clients before the unkeyed one: Semantic Kernel picks the LAST registered IChatClient (keyed or not)
        // for calls without a ServiceId, which must be the unkeyed, effort-routing one.
        foreach (EffortLevel effort in Enum.GetValues<EffortLevel>())
        {
            services.AddKeyedChatClient(
                EffortParser.ToName(effort),
                sp => new ConfigureOptionsChatClient(sp.GetRequiredKeyedService<IChatClient>(PipelineKey), chatOptions => chatOptions.WithEffort(effort)));
        }

        services.AddChatClient(sp => sp.GetRequiredKeyedService<IChatClient>(PipelineKey));
        return pipeline;
    }

    private static ModelRouterServices CreateRouterServices(IServiceProvider services) => new()
    {
        LoggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
        HttpClientFactory = services.GetRequiredService<IHttpClientFactory>(),
        TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
        MeterFactory = services.GetService<IMeterFactory>(),
        Providers = [.. services.GetServices<IChatBackendProvider>()],
    };

    private static void ForgetHttpClientSettings(IServiceProvider services, IEnumerable<string> backends)
    {
        // The factory caches each named client's settings; forgetting them makes handlers created from now on read the
        // new ConnectTimeout.
        IOptionsMonitorCache<HttpClientFactoryOptions> cache = services.GetRequiredService<IOptionsMonitorCache<HttpClientFactoryOptions>>();
        foreach (string backend in backends.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            cache.TryRemove(ModelRouterServices.HttpClientName(backend));
        }
    }

    private sealed class PipelineServiceKey
    {
        public override string ToString() => "Pai.SemanticKernel.Llm routed pipeline";
    }
}
