using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>The requests a <see cref="ScriptedOpenAIServer"/> received, in arrival order. Thread-safe.</summary>
internal sealed class RequestLog
{
    private readonly Lock gate = new();
    private readonly List<RecordedRequest> requests = [];

    /// <summary>A snapshot of the recorded requests.</summary>
    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (gate)
        {
            return requests.ToArray();
        }
    }

    /// <summary>Counts the recorded requests that match <paramref name="predicate"/>.</summary>
    public int Count(Func<RecordedRequest, bool> predicate)
    {
        lock (gate)
        {
            return requests.Count(predicate);
        }
    }

    /// <summary>Reads the request's body and headers, records them and returns the record.</summary>
    public async Task<RecordedRequest> RecordAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var headers = request.Headers.ToDictionary(
            header => header.Key,
            header => string.Join(", ", header.Value.ToArray()),
            StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, request.Path.Value ?? string.Empty, headers, body);
        lock (gate)
        {
            requests.Add(recorded);
        }

        return recorded;
    }

    /// <summary>Forgets every recorded request.</summary>
    public void Clear()
    {
        lock (gate)
        {
            requests.Clear();
        }
    }
}
