namespace Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

/// <summary>A fresh directory under the system's temporary folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    internal TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("pai-embedded-tests-").FullName;
    }

    internal string Path { get; }

    /// <summary>Every file below the directory, hidden ones included.</summary>
    internal IReadOnlyList<string> Files => Directory.GetFiles(Path, "*", SearchOption.AllDirectories);

    internal string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by the process (a loaded model) cannot always be removed; the OS cleans temp later.
        }
    }
}
