namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>What <c>GET /v1/models</c> answers: the served model ids and an optional scripted reply. Thread-safe.</summary>
internal sealed class ModelCatalog
{
    private readonly Lock gate = new();
    private IReadOnlyList<string> modelIds = [];
    private ScriptedReply? reply;

    /// <summary>The served model ids and the reply to answer with, read together.</summary>
    public (IReadOnlyList<string> ModelIds, ScriptedReply Reply) Snapshot()
    {
        lock (gate)
        {
            return (modelIds, reply ?? ReplyBook.Default);
        }
    }

    /// <summary>Replaces the served model ids.</summary>
    public void Serve(IEnumerable<string> ids)
    {
        var copy = ids.ToArray();
        lock (gate)
        {
            modelIds = copy;
        }
    }

    /// <summary>Sets the reply to <c>GET /v1/models</c>; <see langword="null"/> restores the plain model list.</summary>
    public void SetReply(ScriptedReply? scriptedReply)
    {
        lock (gate)
        {
            reply = scriptedReply;
        }
    }

    /// <summary>Serves no models and restores the plain model list reply.</summary>
    public void Clear()
    {
        lock (gate)
        {
            modelIds = [];
            reply = null;
        }
    }
}
