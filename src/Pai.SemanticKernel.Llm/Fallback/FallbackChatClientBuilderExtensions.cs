using Pai.SemanticKernel.Llm;

namespace Microsoft.Extensions.AI;

/// <summary>Adds ordered fallback to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class FallbackChatClientBuilderExtensions
{
    /// <summary>
    /// Tries the builder's inner client first (named <c>primary</c>), then each of <paramref name="fallbacks"/> in order
    /// (named <c>fallback-1</c>, <c>fallback-2</c>, ...), with the failover rules of <see cref="FallbackChatClient"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="fallbacks">The clients to try after the inner one.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="fallbacks"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseFallback(this ChatClientBuilder builder, params IChatClient[] fallbacks)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(fallbacks);
        return builder.UseFallback(fallbacks.Select((client, i) => KeyValuePair.Create($"fallback-{i + 1}", client)).ToArray());
    }

    /// <summary>
    /// Tries the builder's inner client first (named <paramref name="primaryName"/>), then each named fallback in order,
    /// with the failover rules of <see cref="FallbackChatClient"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="fallbacks">The clients to try after the inner one, by name.</param>
    /// <param name="primaryName">The name of the inner client in <see cref="PaiPropertyNames.Backend"/> and errors.</param>
    /// <param name="options">Time budgets and cooldown; defaults when <see langword="null"/>.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="fallbacks"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseFallback(
        this ChatClientBuilder builder,
        IEnumerable<KeyValuePair<string, IChatClient>> fallbacks,
        string primaryName = "primary",
        FallbackChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(fallbacks);
        KeyValuePair<string, IChatClient>[] rest = fallbacks.ToArray();
        return builder.Use(inner => new FallbackChatClient([KeyValuePair.Create(primaryName, inner), .. rest], options));
    }
}
