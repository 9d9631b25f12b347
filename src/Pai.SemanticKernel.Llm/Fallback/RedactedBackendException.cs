namespace Pai.SemanticKernel.Llm;

/// <summary>Stands in for a client exception whose message quoted a secret (for example a server echoing an API key).</summary>
public sealed class RedactedBackendException : Exception
{
    internal RedactedBackendException(string originalType, string redactedMessage)
        : base($"{redactedMessage} (a {originalType} whose text contained a secret, redacted)")
    {
        OriginalType = originalType;
    }

    /// <summary>The full name of the exception type this stands in for.</summary>
    public string OriginalType { get; }
}
