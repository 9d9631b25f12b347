using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Options for <see cref="ScriptedOpenAIServer.StartAsync(ScriptedOpenAIServerOptions, CancellationToken)"/>.</summary>
public sealed class ScriptedOpenAIServerOptions
{
    /// <summary>
    /// Configures the server's logging, which starts with no providers (silent). For example
    /// <c>logging => logging.AddProvider(myProvider)</c>.
    /// </summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>How long <see cref="ScriptedOpenAIServer.DisposeAsync"/> waits for open connections to close.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
