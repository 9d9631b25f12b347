namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>
/// The scripted chat replies of a <see cref="ScriptedOpenAIServer"/>: one-shot FIFO queues and persistent replies,
/// per model name, with <see langword="null"/> standing for any model. Thread-safe.
/// </summary>
internal sealed class ReplyBook
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Queue<ScriptedReply>> queuesByModel = new(StringComparer.Ordinal);
    private readonly Queue<ScriptedReply> anyModelQueue = new();
    private readonly Dictionary<string, ScriptedReply> persistentByModel = new(StringComparer.Ordinal);
    private ScriptedReply? anyModelPersistent;

    /// <summary>The reply used when nothing is scripted for a request.</summary>
    public static ScriptedReply Default { get; } = ScriptedReply.Text("ok");

    /// <summary>The number of one-shot replies not yet used, over all queues.</summary>
    public int PendingCount
    {
        get
        {
            lock (gate)
            {
                return anyModelQueue.Count + queuesByModel.Values.Sum(queue => queue.Count);
            }
        }
    }

    /// <summary>Queues a one-shot reply for <paramref name="model"/> (or any model when <see langword="null"/>).</summary>
    public void Enqueue(string? model, ScriptedReply reply)
    {
        lock (gate)
        {
            if (model is null)
            {
                anyModelQueue.Enqueue(reply);
                return;
            }

            if (!queuesByModel.TryGetValue(model, out var queue))
            {
                queue = new Queue<ScriptedReply>();
                queuesByModel.Add(model, queue);
            }

            queue.Enqueue(reply);
        }
    }

    /// <summary>Sets the persistent reply for <paramref name="model"/> (or any model when <see langword="null"/>).</summary>
    public void SetPersistent(string? model, ScriptedReply reply)
    {
        lock (gate)
        {
            if (model is null)
            {
                anyModelPersistent = reply;
            }
            else
            {
                persistentByModel[model] = reply;
            }
        }
    }

    /// <summary>
    /// Takes the reply for a request naming <paramref name="model"/>: the model's queue, then the any-model queue,
    /// then the model's persistent reply, then the any-model persistent reply, then <see cref="Default"/>.
    /// </summary>
    public ScriptedReply Take(string? model)
    {
        lock (gate)
        {
            if (model is not null && queuesByModel.TryGetValue(model, out var queue) && queue.TryDequeue(out var reply))
            {
                return reply;
            }

            if (anyModelQueue.TryDequeue(out reply))
            {
                return reply;
            }

            if (model is not null && persistentByModel.TryGetValue(model, out reply))
            {
                return reply;
            }

            return anyModelPersistent ?? Default;
        }
    }

    /// <summary>Forgets every queued and persistent reply.</summary>
    public void Clear()
    {
        lock (gate)
        {
            queuesByModel.Clear();
            anyModelQueue.Clear();
            persistentByModel.Clear();
            anyModelPersistent = null;
        }
    }
}
