using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>The log lines of the embedded backend (category <see cref="Category"/>).</summary>
internal static partial class EmbeddedLog
{
    internal const string Category = "Pai.SemanticKernel.Llm.Embedded";

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Loading model {Path} ...")]
    internal static partial void Loading(ILogger logger, string path);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Loaded model {Path}: {Parameters} parameters, {SizeMiB} MiB, trained context {TrainedContext} tokens, in {ElapsedMs} ms.")]
    internal static partial void Loaded(ILogger logger, string path, ulong parameters, long sizeMiB, int trainedContext, long elapsedMs);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Model {Path} has no chat template{Detail}: prompts use a plain \"User: ... Assistant: \" format.")]
    internal static partial void NoChatTemplate(ILogger logger, string path, string detail);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Backend {Backend} (embedded) ignores the {Count} tool(s) of a request: the in-process model answers in text only.")]
    internal static partial void ToolsIgnored(ILogger logger, string backend, int count);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Downloading model {Source} to {Path} ({Size}).")]
    internal static partial void DownloadStarted(ILogger logger, string source, string path, string size);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Downloading {File}: {Percent}% ({Received} of {Total} bytes).")]
    internal static partial void DownloadProgress(ILogger logger, string file, int percent, long received, long total);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Downloaded model {Path}: {Bytes} bytes in {ElapsedMs} ms; {Check}.")]
    internal static partial void DownloadCompleted(ILogger logger, string path, long bytes, long elapsedMs, string check);

    [LoggerMessage(EventId = 113, Level = LogLevel.Error, Message = "Downloading model {Source} to {Path} failed; nothing was kept.")]
    internal static partial void DownloadFailed(ILogger logger, Exception exception, string source, string path);
}
