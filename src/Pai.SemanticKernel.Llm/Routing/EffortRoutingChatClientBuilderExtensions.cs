using Pai.SemanticKernel.Llm;

namespace Microsoft.Extensions.AI;

/// <summary>Adds effort routing to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class EffortRoutingChatClientBuilderExtensions
{
    /// <summary>
    /// Routes each request by its effort (<see cref="PaiPropertyNames.Effort"/>) to the client given for that effort;
    /// efforts without a client go to the builder's inner client.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="tierClients">Clients for some or all effort levels; <see langword="null"/> sends every effort to the inner client (effort is then only validated and normalized).</param>
    /// <param name="defaultEffort">The effort of requests that set none.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseEffortRouting(
        this ChatClientBuilder builder,
        IReadOnlyDictionary<EffortLevel, IChatClient>? tierClients = null,
        EffortLevel defaultEffort = EffortLevel.Standard)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner =>
        {
            var tiers = new Dictionary<EffortLevel, IChatClient>();
            foreach (EffortLevel level in Enum.GetValues<EffortLevel>())
            {
                tiers[level] = tierClients is not null && tierClients.TryGetValue(level, out IChatClient? client) && client is not null ? client : inner;
            }

            return new EffortRoutingChatClient(tiers, defaultEffort);
        });
    }
}
