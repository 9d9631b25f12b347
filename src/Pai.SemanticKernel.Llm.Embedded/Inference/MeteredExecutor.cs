using System.Runtime.CompilerServices;
using System.Text;
using LLama;
using LLama.Abstractions;
using LLama.Common;
using LLama.Native;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Wraps one request's executor to learn what LLamaSharp's chat client does not report: the prompt's size in tokens,
/// the number of tokens generated, and so whether generation stopped at the token limit (finish reason <c>length</c>)
/// or by itself (<c>stop</c>). Also refuses a prompt that cannot fit in the context, before any work, and never lets
/// generation run past the end of the context.
/// </summary>
internal sealed class MeteredExecutor(ILLamaExecutor inner, LLamaWeights weights, int contextSize, string backend) : ILLamaExecutor
{
    public LLamaContext Context => inner.Context;

    public bool IsMultiModal => inner.IsMultiModal;

    public MtmdWeights? ClipModel => inner.ClipModel;

    public List<SafeMtmdEmbed> Embeds => inner.Embeds;

    /// <summary>The prompt's size in tokens, once inference has started.</summary>
    internal int PromptTokens { get; private set; }

    /// <summary>Tokens generated so far.</summary>
    internal int GeneratedTokens { get; private set; }

    /// <summary>The token limit of the request; negative for none.</summary>
    internal int MaxTokens { get; private set; } = -1;

    /// <summary>Whether generation ended because it reached <see cref="MaxTokens"/>.</summary>
    internal bool ReachedTokenLimit => MaxTokens >= 0 && GeneratedTokens >= MaxTokens;

    public async IAsyncEnumerable<string> InferAsync(string text, IInferenceParams? inferenceParams = null, [EnumeratorCancellation] CancellationToken token = default)
    {
        // Tokenized as the stateless executor does (with BOS, special tokens parsed), to compare with the context size.
        PromptTokens = weights.Tokenize(text, add_bos: true, special: true, Encoding.UTF8).Length;
        int room = contextSize - PromptTokens - 1;
        if (room < 1)
        {
            throw new ArgumentException(
                $"The prompt is {PromptTokens} tokens long, which leaves no room in the {contextSize}-token context of embedded backend '{backend}' (ContextSize). Shorten the conversation or raise ContextSize.",
                "messages");
        }

        // The executor throws once the context is full (its default overflow strategy); generating at most what fits
        // ends such an answer as llama.cpp's server does, with finish reason "length", rather than failing it.
        inferenceParams ??= new InferenceParams();
        inferenceParams.MaxTokens = inferenceParams.MaxTokens < 0 ? room : Math.Min(inferenceParams.MaxTokens, room);
        MaxTokens = inferenceParams.MaxTokens;
        await foreach (string piece in inner.InferAsync(text, inferenceParams, token).ConfigureAwait(false))
        {
            GeneratedTokens++;
            yield return piece;
        }
    }
}
