using System.Globalization;
using System.Text;

namespace Pai.SemanticKernel.Llm;

/// <summary>Cheap checks of a model file before llama.cpp sees it: it exists and starts with the GGUF magic bytes.</summary>
internal static class GgufFile
{
    /// <summary>The first four bytes of every GGUF file: <c>GGUF</c>.</summary>
    internal static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>What is wrong with the file at <paramref name="path"/>, as a phrase that follows its name; <see langword="null"/> when it looks like a GGUF file.</summary>
    internal static string? Problem(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return "is a directory, not a GGUF file";
            }

            if (!File.Exists(path))
            {
                return "does not exist";
            }

            Span<byte> head = stackalloc byte[4];
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return DescribeHead(head[..read], file.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({ex.Message})";
        }
    }

    /// <summary>What is wrong with a file whose first bytes are <paramref name="head"/>; <see langword="null"/> when they are the GGUF magic.</summary>
    internal static string? DescribeHead(ReadOnlySpan<byte> head, long length)
    {
        if (length == 0)
        {
            return "is empty, not a GGUF file";
        }

        if (head.Length >= Magic.Length && head[..Magic.Length].SequenceEqual(Magic))
        {
            return null;
        }

        var hex = new StringBuilder();
        var text = new StringBuilder();
        foreach (byte b in head)
        {
            hex.Append(CultureInfo.InvariantCulture, $"{(hex.Length > 0 ? " " : "")}{b:X2}");
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return $"is not a GGUF file: it starts with {hex} ('{text}') where a GGUF file starts with 47 47 55 46 ('GGUF')";
    }
}
