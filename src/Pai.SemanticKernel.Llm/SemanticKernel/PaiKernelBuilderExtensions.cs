using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;
using Pai.SemanticKernel.Llm;

namespace Microsoft.SemanticKernel;

/// <summary>Adds effort routing to a Semantic Kernel <see cref="IKernelBuilder"/>.</summary>
/// <remarks>
/// <para>Registers, in the kernel's services, everything
/// <see cref="PaiLlmServiceCollectionExtensions.AddPaiEffortRouting(IServiceCollection, Action{PaiLlmOptions})"/> does, with
/// Semantic Kernel's function-invoking client in the pipeline (so kernel functions offered with
/// <c>FunctionChoiceBehavior.Auto()</c> are run, with the kernel's auto-function-invocation filters), and an
/// <see cref="IChatCompletionService"/> over the routed client.</para>
/// <para>The effort of a call comes from, in order: <c>PromptExecutionSettings.ServiceId</c> <c>"quick"</c>,
/// <c>"standard"</c> or <c>"determined"</c> (the keyed client of that tier); <c>PromptExecutionSettings.ExtensionData["effort"]</c>
/// (also from JSON prompt configurations: <c>"execution_settings": { "default": { "effort": "quick" } }</c>);
/// <see cref="ModelRouter.SetEffort"/>; the configuration's <see cref="PaiLlmOptions.DefaultEffort"/>. The effort chosen for
/// the first request of a tool loop holds for every round trip of the loop, streaming or not.</para>
/// <para>Semantic Kernel resolves services only when the kernel first needs them, so without a host an invalid
/// configuration throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> (naming each bad setting)
/// at the first call.</para>
/// </remarks>
public static class PaiKernelBuilderExtensions
{
    /// <summary>Adds effort routing configured by a configuration section of the shape documented on <see cref="PaiLlmOptions"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="section">The configuration section, conventionally <c>Pai:Llm</c>. Changes to it apply to new requests.</param>
    /// <returns>The builder of the routed pipeline, inside the function-invoking client: add middleware with <c>.UseLogging()</c>, <c>.UseOpenTelemetry()</c>, ...</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Effort routing is already registered in the kernel's services.</exception>
    public static ChatClientBuilder AddPaiEffortRouting(this IKernelBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return AddKernelServices(builder, builder.Services.AddPaiEffortRouting(section));
    }

    /// <summary>Adds effort routing with fixed options, for example <see cref="PaiPresets.Ollama"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="options">The configuration; it is copied, so later changes to it have no effect.</param>
    /// <returns>The builder of the routed pipeline, inside the function-invoking client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Effort routing is already registered in the kernel's services.</exception>
    public static ChatClientBuilder AddPaiEffortRouting(this IKernelBuilder builder, PaiLlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return AddKernelServices(builder, builder.Services.AddPaiEffortRouting(options));
    }

    /// <summary>
    /// Adds effort routing configured from environment variables, as <see cref="ModelRouter.FromEnvironment"/> reads them
    /// (<c>VLLM_ENDPOINT</c>, <c>USE_OLLAMA</c>, <c>OPENAI_API_KEY</c>, ...; see <see cref="PaiLlmOptions.FromEnvironment"/>).
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <returns>The builder of the routed pipeline, inside the function-invoking client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An environment variable has a bad value; the message names it.</exception>
    /// <exception cref="InvalidOperationException">Effort routing is already registered in the kernel's services.</exception>
    public static ChatClientBuilder AddPaiEffortRouting(this IKernelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return AddKernelServices(builder, PaiLlmServiceCollectionExtensions.AddFixed(builder.Services, PaiLlmOptions.FromEnvironment(), "environment"));
    }

    private static ChatClientBuilder AddKernelServices(IKernelBuilder builder, ChatClientBuilder pipeline)
    {
        // Only an IChatClient registered does not make IChatCompletionService resolvable. Unkeyed only: Semantic Kernel
        // would pick the last keyed IChatCompletionService for calls without a ServiceId; ServiceId selection works
        // through the keyed IChatClients.
        builder.Services.AddSingleton<IChatCompletionService>(sp => sp.GetRequiredKeyedService<IChatClient>(PaiLlmServiceCollectionExtensions.PipelineKey).AsChatCompletionService(sp));

        // A plain IChatClient in a kernel sends the tools but never runs them. Added right after the effort layer, so
        // the effort is fixed before the tool loop starts and middleware the caller adds runs on each round trip.
        return pipeline.UseKernelFunctionInvocation();
    }
}
