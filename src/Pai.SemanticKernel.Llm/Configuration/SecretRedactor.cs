using System.Text.RegularExpressions;

namespace Pai.SemanticKernel.Llm;

/// <summary>Keeps secrets out of messages: API keys, and credentials embedded in endpoint URIs.</summary>
internal static partial class SecretRedactor
{
    internal const string Mask = "***";

    /// <summary>Describes an endpoint without credentials: user info (<c>http://user:pass@host</c>) and query values are masked.</summary>
    internal static string Describe(Uri? endpoint) => endpoint is null ? "(no endpoint)" : DescribeText(endpoint.OriginalString);

    /// <summary>Masks the credentials an endpoint written as text may carry, even when the text is not a valid URI.</summary>
    internal static string DescribeText(string endpoint)
    {
        string text = UserInfo().Replace(endpoint, "//" + Mask + "@");
        int query = text.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? text : text[..query] + "?" + Mask;
    }

    /// <summary>Replaces every occurrence of each secret in <paramref name="text"/>.</summary>
    internal static string Redact(string text, IEnumerable<string?> secrets)
    {
        foreach (string? secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>
    /// Returns <paramref name="error"/> unless a secret appears in its message or an inner exception's; then a stand-in
    /// with the redacted message and no inner chain, so that no <c>ToString()</c> of ours can leak what a server echoed.
    /// </summary>
    internal static Exception Sanitize(Exception error, IReadOnlyList<string?> secrets)
    {
        if (secrets.Count == 0)
        {
            return error;
        }

        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (Redact(current.Message, secrets) != current.Message)
            {
                return new RedactedBackendException(error.GetType().FullName ?? error.GetType().Name, Redact(error.Message, secrets));
            }
        }

        return error;
    }

    [GeneratedRegex(@"//[^/@\s]*@")]
    private static partial Regex UserInfo();
}
