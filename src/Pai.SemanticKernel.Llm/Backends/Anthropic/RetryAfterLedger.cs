using System.Collections.Concurrent;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The <c>Retry-After</c> delays of recent Anthropic error responses, by <c>request-id</c>, until the router asks for them.
/// Thread-safe.
/// </summary>
/// <remarks>
/// Needed because the Anthropic SDK's exceptions keep the response's status, body and <c>request-id</c>, but not its
/// headers. Bounded: an entry nobody asks for (the caller cancelled) is dropped with the rest once the ledger is full.
/// </remarks>
internal sealed class RetryAfterLedger
{
    internal const int Capacity = 256;

    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);

    internal int Count => _delays.Count;

    internal void Record(string requestId, TimeSpan delay)
    {
        if (_delays.Count >= Capacity)
        {
            // Entries live for the few milliseconds between a response and its classification; stale ones are worthless.
            _delays.Clear();
        }

        _delays[requestId] = delay;
    }

    internal TimeSpan? Take(string requestId) => _delays.TryRemove(requestId, out TimeSpan delay) ? delay : null;
}
