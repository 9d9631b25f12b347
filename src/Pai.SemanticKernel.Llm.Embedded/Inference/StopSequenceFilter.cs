using System.Text;
using LLama.Abstractions;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Removes stop sequences from generated text and passes everything else on at once: only text that could be the start
/// of a stop sequence is held back, until the next token shows whether it is one.
/// </summary>
/// <remarks>
/// Replaces LLamaSharp's <c>KeywordTextOutputStreamTransform</c>, which holds back a fixed window (the longest keyword
/// plus three characters, 13 for its role names) before passing tokens on, so a stream would lag several tokens behind
/// generation and a short answer would arrive in one burst at its end.
/// </remarks>
internal sealed class StopSequenceFilter(IReadOnlyList<string> stops) : ITextStreamTransform
{
    public async IAsyncEnumerable<string> TransformAsync(IAsyncEnumerable<string> tokens)
    {
        var pending = new StringBuilder();
        await foreach (string token in tokens.ConfigureAwait(false))
        {
            pending.Append(token);
            string text = pending.ToString();
            int match = FirstMatch(text);
            if (match >= 0)
            {
                // The executor stops at the same sequences; what precedes the match is the end of the answer.
                if (match > 0)
                {
                    yield return text[..match];
                }

                yield break;
            }

            int held = LongestPartialMatch(text);
            if (held < text.Length)
            {
                yield return text[..^held];
                pending.Remove(0, text.Length - held);
            }
        }

        if (pending.Length > 0)
        {
            yield return pending.ToString();
        }
    }

    public ITextStreamTransform Clone() => new StopSequenceFilter(stops);

    /// <summary>The position of the earliest stop sequence in <paramref name="text"/>, or -1.</summary>
    private int FirstMatch(string text)
    {
        int first = -1;
        foreach (string stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    /// <summary>The length of the longest end of <paramref name="text"/> that begins some stop sequence.</summary>
    private int LongestPartialMatch(string text)
    {
        int longest = 0;
        foreach (string stop in stops)
        {
            for (int length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
