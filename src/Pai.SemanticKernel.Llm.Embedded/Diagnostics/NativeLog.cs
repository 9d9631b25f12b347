using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Routes llama.cpp's own log output to an <see cref="ILogger"/> (category <see cref="Category"/>) instead of the host's
/// standard error, where llama.cpp writes when no callback is set.
/// </summary>
/// <remarks>
/// llama.cpp has one log callback per process, so this is static: the logger of the most recent router built with a
/// logger factory receives the lines; with none, they are dropped. llama.cpp's informational output (a hundred lines of
/// model metadata per load) is logged at <see cref="LogLevel.Debug"/>, its debug output at <see cref="LogLevel.Trace"/>.
/// The callback is installed before the native library is first used, which is when llama.cpp would start writing.
/// </remarks>
internal static class NativeLog
{
    internal const string Category = "Pai.SemanticKernel.Llm.Embedded.LlamaCpp";

    // Held in a static field so that the delegate handed to native code is never collected.
    private static readonly NativeLogConfig.LLamaLogCallback Callback = OnNativeLog;
    private static readonly Lock InstallGate = new();
    private static volatile ILogger s_logger = NullLogger.Instance;
    private static bool s_installed;

    [ThreadStatic]
    private static StringBuilder? t_line;

    [ThreadStatic]
    private static LLamaLogLevel t_lineLevel;

    [ThreadStatic]
    private static List<string>? t_errors;

    /// <summary>Sends llama.cpp's lines to <paramref name="loggerFactory"/> from now on (unless it is the null factory).</summary>
    internal static void Attach(ILoggerFactory loggerFactory)
    {
        if (loggerFactory is not NullLoggerFactory)
        {
            s_logger = loggerFactory.CreateLogger(Category);
        }

        EnsureInstalled();
    }

    /// <summary>Installs the callback once; call before any native llama.cpp function.</summary>
    internal static void EnsureInstalled()
    {
        lock (InstallGate)
        {
            if (!s_installed)
            {
                NativeLogConfig.llama_log_set(Callback);
                s_installed = true;
            }
        }
    }

    /// <summary>Collects the error and warning lines llama.cpp writes on this thread until disposed (to explain a failed load).</summary>
    internal static ErrorCapture CaptureErrors() => new();

    private static void OnNativeLog(LLamaLogLevel level, string message)
    {
        // Called from native code: an exception escaping here would take the process down.
        try
        {
            if (level != LLamaLogLevel.Continue)
            {
                t_lineLevel = level;
            }

            StringBuilder line = t_line ??= new StringBuilder();
            line.Append(message);
            if (!message.EndsWith('\n'))
            {
                return;
            }

            string text = line.ToString().TrimEnd('\n', '\r');
            line.Clear();
            if (text.Length == 0)
            {
                return;
            }

            if (t_lineLevel is LLamaLogLevel.Error or LLamaLogLevel.Warning)
            {
                t_errors?.Add(text);
            }

            ILogger logger = s_logger;
            LogLevel mapped = Map(t_lineLevel);
            if (logger.IsEnabled(mapped))
            {
                logger.Log(mapped, "{LlamaCppMessage}", text);
            }
        }
        catch (Exception)
        {
            // Logging must never break inference.
        }
    }

    private static LogLevel Map(LLamaLogLevel level) => level switch
    {
        LLamaLogLevel.Error => LogLevel.Error,
        LLamaLogLevel.Warning => LogLevel.Warning,
        LLamaLogLevel.Debug => LogLevel.Trace,
        _ => LogLevel.Debug,
    };

    /// <summary>The error and warning lines written on the current thread while this is alive.</summary>
    internal sealed class ErrorCapture : IDisposable
    {
        private readonly List<string>? _previous;
        private readonly List<string> _errors = [];

        internal ErrorCapture()
        {
            _previous = t_errors;
            t_errors = _errors;
        }

        internal IReadOnlyList<string> Lines => _errors;

        public void Dispose() => t_errors = _previous;
    }
}
