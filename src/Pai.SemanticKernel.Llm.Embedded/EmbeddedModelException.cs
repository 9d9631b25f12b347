namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The model of an embedded backend could not be made ready: the file is missing, is not a GGUF file, failed to load
/// or failed to download. The message names the file and the problem.
/// </summary>
/// <remarks>The router treats it as a backend failure and fails over to the next backend of the chain.</remarks>
public sealed class EmbeddedModelException : Exception
{
    /// <summary>Initializes an exception for <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">The model file concerned.</param>
    /// <param name="message">What went wrong, naming the file.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public EmbeddedModelException(string modelPath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ModelPath = modelPath;
    }

    /// <summary>The full path of the model file concerned.</summary>
    public string ModelPath { get; }
}
