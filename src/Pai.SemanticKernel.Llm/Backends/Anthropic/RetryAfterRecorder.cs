using System.Globalization;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// A handler on the Anthropic SDK's HTTP pipeline that notes the <c>Retry-After</c> of 429 and 503 answers in a
/// <see cref="RetryAfterLedger"/>, under the answer's <c>request-id</c>.
/// </summary>
internal sealed class RetryAfterRecorder(RetryAfterLedger ledger) : DelegatingHandler
{
    internal const string RequestIdHeader = "request-id";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is 429 or 503 &&
            response.Headers.TryGetValues(RequestIdHeader, out IEnumerable<string>? ids) && ids.FirstOrDefault() is { Length: > 0 } requestId &&
            RetryAfterOf(response) is { } delay)
        {
            ledger.Record(requestId, delay);
        }

        return response;
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out IEnumerable<string>? milliseconds) &&
            double.TryParse(milliseconds.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        return response.Headers.TryGetValues("Retry-After", out IEnumerable<string>? values)
            ? FailureClassifier.ParseRetryAfter(values.FirstOrDefault(), DateTimeOffset.UtcNow)
            : null;
    }
}
