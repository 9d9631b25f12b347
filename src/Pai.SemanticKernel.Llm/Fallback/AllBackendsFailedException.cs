using System.Text;

namespace Pai.SemanticKernel.Llm;

/// <summary>Every backend of a request's chain failed (or the request's deadline ran out); no answer was produced.</summary>
public sealed class AllBackendsFailedException : Exception
{
    internal AllBackendsFailedException(
        EffortLevel? effort,
        IReadOnlyList<BackendAttempt> attempts,
        IReadOnlyList<string> skipped,
        string? deadlineNote,
        IEnumerable<string?> secrets)
        : base(SecretRedactor.Redact(Compose(effort, attempts, skipped, deadlineNote), secrets), attempts.Count > 0 ? attempts[^1].Error : null)
    {
        Effort = effort;
        Attempts = attempts;
        SkippedBackends = skipped;
    }

    /// <summary>The effort of the request, when it had one.</summary>
    public EffortLevel? Effort { get; }

    /// <summary>Each try, in order.</summary>
    public IReadOnlyList<BackendAttempt> Attempts { get; }

    /// <summary>Backends of the chain that were not tried because they were cooling down after recent failures.</summary>
    public IReadOnlyList<string> SkippedBackends { get; }

    private static string Compose(EffortLevel? effort, IReadOnlyList<BackendAttempt> attempts, IReadOnlyList<string> skipped, string? deadlineNote)
    {
        var text = new StringBuilder();
        text.Append(attempts.Count switch
        {
            0 => "No backend could be tried",
            1 => "The only backend tried failed",
            _ => $"All {attempts.Count} backends tried failed",
        });
        if (effort is { } level)
        {
            text.Append(" for effort '").Append(EffortParser.ToName(level)).Append('\'');
        }

        text.Append("; no answer was produced.");
        if (deadlineNote is not null)
        {
            text.Append(' ').Append(deadlineNote);
        }

        for (int i = 0; i < attempts.Count; i++)
        {
            text.AppendLine().Append("  ").Append(i + 1).Append(". ").Append(attempts[i]);
        }

        if (skipped.Count > 0)
        {
            text.AppendLine().Append("  Skipped (cooling down after recent failures): ").Append(string.Join(", ", skipped)).Append('.');
        }

        text.AppendLine().Append(Advice(attempts));
        return text.ToString();
    }

    private static string Advice(IReadOnlyList<BackendAttempt> attempts)
    {
        var advice = new List<string>();
        if (attempts.Any(a => a.Reason == "connection"))
        {
            advice.Add("start the servers that refused or could not be reached, or fix their Endpoint");
        }

        if (attempts.Any(a => a.Reason == "unauthorized"))
        {
            advice.Add("fix the ApiKey of the backends that answered 401/403");
        }

        if (attempts.Any(a => a.Reason == "not_found"))
        {
            advice.Add("check that the backends answering 404 serve the configured Model (GET {Endpoint}/models)");
        }

        if (attempts.Any(a => a.Reason is "timeout" or "rate_limited" or "server_error"))
        {
            advice.Add("the servers that timed out or answered 429/5xx are overloaded or failing: add capacity or a Fallback backend");
        }

        advice.Add("ModelRouter.HealthCheckAllAsync() (or 'dotnet run --project examples/Pai.Chat -- --health') shows every backend's state");
        return "What to do: " + string.Join("; ", advice) + ".";
    }
}
