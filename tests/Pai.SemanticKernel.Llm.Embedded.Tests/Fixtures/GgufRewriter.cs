using System.Text;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

/// <summary>
/// Writes a copy of a GGUF file with one more string entry in its metadata, for example a <c>tokenizer.chat_template</c>
/// for the test model, which has none. Follows the GGUF v3 layout: header, metadata, tensor infos, padding, tensor data.
/// </summary>
internal static class GgufRewriter
{
    private const uint StringType = 8;
    private const uint ArrayType = 9;

    internal static void AddString(string source, string destination, string key, string value)
    {
        byte[] file = File.ReadAllBytes(source);
        using var reader = new BinaryReader(new MemoryStream(file));
        uint magic = reader.ReadUInt32();
        uint version = reader.ReadUInt32();
        ulong tensorCount = reader.ReadUInt64();
        ulong entryCount = reader.ReadUInt64();
        long entriesStart = reader.BaseStream.Position;
        uint alignment = 32;
        for (ulong i = 0; i < entryCount; i++)
        {
            string name = ReadString(reader);
            uint type = reader.ReadUInt32();
            if (name == "general.alignment")
            {
                alignment = reader.ReadUInt32();
                continue;
            }

            SkipValue(reader, type);
        }

        long infosStart = reader.BaseStream.Position;
        for (ulong i = 0; i < tensorCount; i++)
        {
            ReadString(reader);
            uint dimensions = reader.ReadUInt32();
            reader.BaseStream.Seek((8L * dimensions) + 4 + 8, SeekOrigin.Current);
        }

        long infosEnd = reader.BaseStream.Position;
        long dataStart = Align(infosEnd, alignment);

        using var output = new BinaryWriter(File.Create(destination));
        output.Write(magic);
        output.Write(version);
        output.Write(tensorCount);
        output.Write(entryCount + 1);
        output.Write(file, (int)entriesStart, (int)(infosStart - entriesStart));
        WriteString(output, key);
        output.Write(StringType);
        WriteString(output, value);
        output.Write(file, (int)infosStart, (int)(infosEnd - infosStart));
        output.Write(new byte[Align(output.BaseStream.Position, alignment) - output.BaseStream.Position]);
        output.Write(file, (int)dataStart, file.Length - (int)dataStart);
    }

    private static long Align(long position, uint alignment) => (position + alignment - 1) / alignment * alignment;

    private static string ReadString(BinaryReader reader) => Encoding.UTF8.GetString(reader.ReadBytes((int)reader.ReadUInt64()));

    private static void WriteString(BinaryWriter writer, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void SkipValue(BinaryReader reader, uint type)
    {
        switch (type)
        {
            case StringType:
                ReadString(reader);
                break;
            case ArrayType:
                uint elementType = reader.ReadUInt32();
                ulong count = reader.ReadUInt64();
                for (ulong i = 0; i < count; i++)
                {
                    SkipValue(reader, elementType);
                }

                break;
            default:
                reader.BaseStream.Seek(type switch
                {
                    0 or 1 or 7 => 1,
                    2 or 3 => 2,
                    4 or 5 or 6 => 4,
                    10 or 11 or 12 => 8,
                    _ => throw new InvalidDataException($"Unknown GGUF value type {type}."),
                }, SeekOrigin.Current);
                break;
        }
    }
}
