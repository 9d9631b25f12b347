using LLama;
using LLama.Abstractions;

namespace Pai.SemanticKernel.Llm;

/// <summary>A model's weights in memory, shared by every request and every backend that names the same file.</summary>
internal sealed class LoadedModel
{
    internal LoadedModel(string path, LLamaWeights weights, IHistoryTransform? chatTemplate)
    {
        Path = path;
        Weights = weights;
        ChatTemplate = chatTemplate;
    }

    /// <summary>The full path of the GGUF file.</summary>
    internal string Path { get; }

    internal LLamaWeights Weights { get; }

    /// <summary>Formats a conversation with the model's own chat template; <see langword="null"/> when the model has none that llama.cpp can apply (then the plain format is used).</summary>
    internal IHistoryTransform? ChatTemplate { get; }

    /// <summary>The context the model was trained with, in tokens.</summary>
    internal int TrainedContextSize => Weights.ContextSize;
}
