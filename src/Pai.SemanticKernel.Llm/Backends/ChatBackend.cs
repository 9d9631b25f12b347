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
    private readonly bool _stripsEffort;

    // What responses served by this backend are stamped with, for no effort and each level (index = level + 1). Copying a
    // dictionary that has the same comparer takes its entries as they are, without hashing the keys again.
    private readonly Dictionary<string, object?>[] _stamps;

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

        // The OpenAI SDK's IChatClient never writes AdditionalProperties into the request body (verified against the
        // wire by the WireTests), so the effort key can stay and the caller's options go through uncopied. Other
        // clients, a custom provider's included, may send unknown properties to their server: the key is removed.
        _stripsEffort = provider is not OpenAICompatibleBackendProvider;
        _stamps = new Dictionary<string, object?>[Enum.GetValues<EffortLevel>().Length + 1];
        for (int i = 0; i < _stamps.Length; i++)
        {
            _stamps[i] = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { [PaiPropertyNames.Backend] = name };
            if (i > 0)
            {
                _stamps[i][PaiPropertyNames.ServedEffort] = EffortParser.Boxed((EffortLevel)(i - 1));
            }
        }

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
    /// The options this backend receives: the backend's defaults applied where the request set none, for configured
    /// backends the caller's <c>ModelId</c> dropped (the backend's model is what routing chose), and the effort key removed
    /// (it is the router's, never the server's) unless the client is the OpenAI SDK's, which never sends it. Never mutates
    /// <paramref name="options"/>: copies it when something changes, else passes it through.
    /// </summary>
    internal ChatOptions? PrepareOptions(ChatOptions? options)
    {
        int? maxTokens = Options.MaxTokens;
        float? temperature = Options.Temperature;
        if (options is null)
        {
            return maxTokens is null && temperature is null ? null : new ChatOptions { MaxOutputTokens = maxTokens, Temperature = temperature };
        }

        bool stripEffort = _stripsEffort && options.AdditionalProperties?.ContainsKey(PaiPropertyNames.Effort) == true;
        bool setMaxTokens = options.MaxOutputTokens is null && maxTokens is not null;
        bool setTemperature = options.Temperature is null && temperature is not null;
        bool dropModel = _ownsModel && options.ModelId is not null;
        if (!stripEffort && !setMaxTokens && !setTemperature && !dropModel)
        {
            return options;
        }

        ChatOptions prepared = options.Clone();

        // Clone() copied AdditionalProperties into a new dictionary, so this does not touch the caller's.
        if (prepared.AdditionalProperties?.Remove(PaiPropertyNames.Effort) == true && prepared.AdditionalProperties.Count == 0)
        {
            prepared.AdditionalProperties = null;
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

    /// <summary>
    /// A whole answer from this backend: the backend is up (its cooldown hears of it), the answer is stamped (see
    /// <see cref="Stamp"/>, with <paramref name="prepared"/> from <see cref="NewStamp"/>) and names the model when the
    /// server did not.
    /// </summary>
    /// <returns><paramref name="response"/>.</returns>
    internal ChatResponse Answered(ChatResponse response, EffortLevel? effort, AdditionalPropertiesDictionary? prepared)
    {
        Cooldown.ReportSuccess();
        response.AdditionalProperties = Stamp(response.AdditionalProperties, effort, prepared);
        response.ModelId ??= Model;
        return response;
    }

    /// <summary>A new dictionary holding this backend's stamp for <paramref name="effort"/>, ready for an answer that has none.</summary>
    /// <remarks>
    /// The fallback loop makes it while the backend is working on the request (between sending it and awaiting the
    /// answer), so that on a single caller's path its cost overlaps the backend's time instead of adding to it.
    /// </remarks>
    internal AdditionalPropertiesDictionary NewStamp(EffortLevel? effort)
    {
        int stamp = effort is { } level ? (int)level + 1 : 0;
        return (uint)stamp < (uint)_stamps.Length ? new AdditionalPropertiesDictionary(_stamps[stamp]) : Stamp([], effort);
    }

    /// <summary>
    /// Stamps an answer served by this backend: <see cref="PaiPropertyNames.Backend"/> and, when known,
    /// <see cref="PaiPropertyNames.ServedEffort"/>, into <paramref name="properties"/>, or, when there is none, the answer
    /// gets <paramref name="prepared"/> (from <see cref="NewStamp"/>) or a new dictionary.
    /// </summary>
    /// <returns>The dictionary to assign back.</returns>
    internal AdditionalPropertiesDictionary Stamp(AdditionalPropertiesDictionary? properties, EffortLevel? effort, AdditionalPropertiesDictionary? prepared = null)
    {
        if (properties is null)
        {
            return prepared ?? NewStamp(effort);
        }

        properties[PaiPropertyNames.Backend] = Name;
        if (effort is { } served)
        {
            properties[PaiPropertyNames.ServedEffort] = EffortParser.Boxed(served);
        }

        return properties;
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
