using System.Collections.Concurrent;
using System.Diagnostics;
using LLama;
using LLama.Abstractions;
using LLama.Common;
using LLama.Exceptions;
using LLama.Transformers;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// The models loaded in this process, by full path: each file is loaded once, on first use, and shared by every backend
/// and request that names it. A load that failed is forgotten, so that a later request tries again (the file may have
/// been fixed).
/// </summary>
/// <remarks>
/// Weights stay loaded for the life of the process: they are what is expensive to load, routers may be rebuilt (for
/// example on a configuration reload), and each request allocates only its own context.
/// </remarks>
internal static class ModelStore
{
    private const string ChatTemplateKey = "tokenizer.chat_template";

    private static readonly ConcurrentDictionary<string, Lazy<Task<LoadedModel>>> Models =
        new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>Returns the loaded model at <paramref name="path"/> (a full path), loading it on first use.</summary>
    /// <exception cref="EmbeddedModelException">The file is missing, not GGUF, or llama.cpp could not load it.</exception>
    internal static Task<LoadedModel> GetAsync(string path, ILogger logger)
    {
        Lazy<Task<LoadedModel>>? entry = null;
        entry = Models.GetOrAdd(path, _ => new Lazy<Task<LoadedModel>>(() => LoadOnceAsync(path, logger, entry!)));
        return entry.Value;
    }

    private static async Task<LoadedModel> LoadOnceAsync(string path, ILogger logger, Lazy<Task<LoadedModel>> entry)
    {
        try
        {
            // Loading reads the whole file and maps it into memory: off the caller's thread.
            return await Task.Run(() => Load(path, logger)).ConfigureAwait(false);
        }
        catch
        {
            Models.TryRemove(KeyValuePair.Create(path, entry));
            throw;
        }
    }

    private static LoadedModel Load(string path, ILogger logger)
    {
        if (GgufFile.Problem(path) is { } problem)
        {
            throw new EmbeddedModelException(path, $"Model file '{path}' {problem}.");
        }

        NativeLog.EnsureInstalled();
        EmbeddedLog.Loading(logger, path);
        long started = Stopwatch.GetTimestamp();
        LLamaWeights weights;
        using (NativeLog.ErrorCapture capture = NativeLog.CaptureErrors())
        {
            try
            {
                weights = LLamaWeights.LoadFromFile(new ModelParams(path));
            }
            catch (LoadWeightsFailedException ex)
            {
                string detail = capture.Lines.Count > 0 ? string.Join(" ", capture.Lines.TakeLast(3)) : "llama.cpp gave no reason";
                throw new EmbeddedModelException(path, $"Model file '{path}' could not be loaded by llama.cpp (corrupt, truncated or of an unsupported architecture): {detail}", ex);
            }
            catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or RuntimeError or EntryPointNotFoundException)
            {
                throw new EmbeddedModelException(path,
                    "The llama.cpp native library could not be loaded, so no model can run in-process. Reference LLamaSharp.Backend.Cpu " +
                    "(or a GPU backend package) in the application; on Linux it also needs libgomp1 (apt-get install libgomp1). " +
                    $"Cause: {(ex.InnerException ?? ex).Message}", ex);
            }
        }

        EmbeddedLog.Loaded(logger, path, weights.ParameterCount, (long)(weights.SizeInBytes >> 20), weights.ContextSize,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new LoadedModel(path, weights, ChatTemplateOf(weights, path, logger));
    }

    /// <summary>The model's chat template when it has one that llama.cpp can apply (tried once on a sample); otherwise <see langword="null"/>, logged.</summary>
    private static IHistoryTransform? ChatTemplateOf(LLamaWeights weights, string path, ILogger logger)
    {
        if (!weights.Metadata.ContainsKey(ChatTemplateKey))
        {
            EmbeddedLog.NoChatTemplate(logger, path, "");
            return null;
        }

        var template = new PromptTemplateTransformer(weights, withAssistant: true);
        try
        {
            var sample = new ChatHistory();
            sample.AddMessage(AuthorRole.System, "s");
            sample.AddMessage(AuthorRole.User, "u");
            _ = template.HistoryToText(sample);
            return template;
        }
        catch (Exception ex) when (ex is RuntimeError or InvalidOperationException or ArgumentException)
        {
            // llama.cpp applies only the templates it recognises; an exotic Jinja template fails here, not per request.
            EmbeddedLog.NoChatTemplate(logger, path, $" that llama.cpp can apply ({ex.Message})");
            return null;
        }
    }
}
