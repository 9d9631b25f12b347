namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>Splits text into pieces whose concatenation is the original text.</summary>
internal static class TextChunker
{
    /// <summary>
    /// Splits <paramref name="text"/> on word boundaries into at most <paramref name="maxChunks"/> pieces, each
    /// word keeping the whitespace that follows it. Empty text gives no pieces.
    /// </summary>
    public static IReadOnlyList<string> SplitWords(string text, int maxChunks)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            // A word ends where non-whitespace follows whitespace (leading whitespace stays with the first word).
            if (!char.IsWhiteSpace(text[i]) && char.IsWhiteSpace(text[i - 1]) && HasNonWhiteSpace(text, start, i))
            {
                words.Add(text[start..i]);
                start = i;
            }
        }

        if (start < text.Length)
        {
            words.Add(text[start..]);
        }

        return Group(words, maxChunks);
    }

    /// <summary>Splits <paramref name="text"/> into at most <paramref name="maxChunks"/> pieces of similar length.</summary>
    public static IReadOnlyList<string> SplitEvenly(string text, int maxChunks)
    {
        var count = Math.Min(maxChunks, text.Length);
        var pieces = new List<string>(count);
        var start = 0;
        for (var i = 1; i <= count; i++)
        {
            var end = (int)((long)text.Length * i / count);
            if (end < text.Length && end > start && char.IsHighSurrogate(text[end - 1]))
            {
                end++; // never split a surrogate pair
            }

            if (end > start)
            {
                pieces.Add(text[start..end]);
                start = end;
            }
        }

        return pieces;
    }

    private static bool HasNonWhiteSpace(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> Group(List<string> words, int maxChunks)
    {
        var count = Math.Min(maxChunks, words.Count);
        var chunks = new List<string>(count);
        var next = 0;
        for (var i = 1; i <= count; i++)
        {
            var end = (int)((long)words.Count * i / count);
            chunks.Add(string.Concat(words.Skip(next).Take(end - next)));
            next = end;
        }

        return chunks;
    }
}
