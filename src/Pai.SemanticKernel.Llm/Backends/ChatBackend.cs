using Microsoft.Extensions.AI;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// One backend as the router uses it: its client, the request defaults it applies, its time budgets and its cooldown.
/// Shared by every tier chain that names it.
/// </summary>
internal sealed class ChatBackend : IDisposable
{
    private readonly bool _ownsModel;
    private readonly bool _disposeClient;

    internal ChatBackend(
        string name,
        IChatClient client,
        BackendOptions options,
        IChatBackendProvider? provider,
        BackendCooldown cooldown,
        bool ownsModel,
        bool disposeClient)
    {
        Name = name;
        Client = client;
        Options = options;
        Provider = provider;
        Cooldown = cooldown;
        _ownsModel = ownsModel;
        _disposeClient = disposeClient;
        ChatClientMetadata? metadata = client.GetService<ChatClientMetadata>();
        Model = options.Model ?? metadata?.DefaultModelId;

        // gen_ai.provider.name names the wire protocol's flavour ("openai" for any OpenAI-compatible server), as the
        // client itself reports it to Microsoft.Extensions.AI's telemetry; the configured provider is the fallback.
        TelemetryProviderName = metadata?.ProviderName ?? BackendProviders.Normalize(options.Provider);
    }

    internal string Name { get; }

    internal string? Model { get; }

    /// <summary>The <c>gen_ai.provider.name</c> of attempts on this backend.</summary>
    internal string TelemetryProviderName { get; }

    internal IChatClient Client { get; }

    internal BackendOptions Options { get; }

    internal IChatBackendProvider? Provider { get; }

    internal BackendCooldown Cooldown { get; }

    /// <summary>
    /// The options this backend receives: the effort key removed (it is the router's, never the server's), the backend's
    /// defaults applied where the request set none, and for configured backends the caller's <c>ModelId</c> dropped (the
    /// backend's model is what routing chose). Never mutates <paramref name="options"/>. Backends of a
    /// <see cref="ModelRouter"/> always get a copy of their own (the caller's instance never reaches them); a standalone
    /// <see cref="FallbackChatClient"/> clones only when something changes.
    /// </summary>
    internal ChatOptions? PrepareOptions(ChatOptions? options)
    {
        int? maxTokens = Options.MaxTokens;
        float? temperature = Options.Temperature;
        if (options is null)
        {
            return maxTokens is null && temperature is null && !_ownsModel ? null : new ChatOptions { MaxOutputTokens = maxTokens, Temperature = temperature };
        }

        bool hasEffort = options.AdditionalProperties?.ContainsKey(PaiPropertyNames.Effort) == true;
        bool setMaxTokens = options.MaxOutputTokens is null && maxTokens is not null;
        bool setTemperature = options.Temperature is null && temperature is not null;
        bool dropModel = _ownsModel && options.ModelId is not null;
        if (!hasEffort && !setMaxTokens && !setTemperature && !dropModel && !_ownsModel)
        {
            return options;
        }

        ChatOptions prepared = options.Clone();
        if (hasEffort)
        {
            // Clone() copied AdditionalProperties into a new dictionary, so this does not touch the caller's.
            prepared.AdditionalProperties!.Remove(PaiPropertyNames.Effort);
            if (prepared.AdditionalProperties.Count == 0)
            {
                prepared.AdditionalProperties = null;
            }
        }

        if (setMaxTokens)
        {
            prepared.MaxOutputTokens = maxTokens;
        }

        if (setTemperature)
        {
            prepared.Temperature = temperature;
        }

        if (dropModel)
        {
            prepared.ModelId = null;
        }

        return prepared;
    }

    public void Dispose()
    {
        if (_disposeClient)
        {
            Client.Dispose();
        }
    }

    public override string ToString() => Model is null ? Name : $"{Name} ({Model})";
}
