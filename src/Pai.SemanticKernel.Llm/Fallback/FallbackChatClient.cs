using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Sends a request to the first backend of an ordered chain that answers, failing over to the next one when a backend is
/// down, overloaded, slow, misconfigured or broken, and never when the request itself is bad or the caller cancelled.
/// </summary>
/// <remarks>
/// <para>Fails over on connection errors, time budgets running out, HTTP 401, 403, 404, 408, 429 and 5xx, unreadable
/// bodies, and streams that end without a finish reason or carry an error event. Surfaces HTTP 400, 413 and 422 at once as
/// <see cref="BackendRequestException"/>. Caller cancellation surfaces as <see cref="OperationCanceledException"/>.</para>
/// <para>Streaming fails over only while no content has reached the caller: content-less updates (the role-only first
/// chunk) are held back until the first content arrives. Once content has been yielded, a failure surfaces as
/// <see cref="StreamInterruptedException"/> naming the backend, never as a silent switch that would repeat or mix text.</para>
/// <para>When every backend fails, <see cref="AllBackendsFailedException"/> lists each attempt. Responses, and the first
/// update of a stream, carry <see cref="PaiPropertyNames.Backend"/> and <see cref="PaiPropertyNames.ServedEffort"/> in
/// their <c>AdditionalProperties</c>.</para>
/// <para>Not built on Microsoft.Extensions.AI's <c>FailoverChatClient</c>: its sealed request methods commit a stream at
/// the first update, even a role-only one (so the common "role chunk, then connection reset" failure would surface
/// instead of failing over), fail over on every exception including HTTP 400, and take only the caller's token, so
/// per-attempt time budgets, the request deadline and the content gate would each need another wrapper layer around what
/// is one loop here, at a per-update cost this router cannot afford.</para>
/// </remarks>
public sealed class FallbackChatClient : IChatClient
{
    private readonly ChainLink[] _chain;
    private readonly RouterRuntime _runtime;
    private readonly EffortLevel? _effort;
    private readonly RouterDiagnostics? _ownedDiagnostics;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Initializes a client that tries <paramref name="backends"/> in order.</summary>
    /// <param name="backends">The backends by name, in fallback order. The names appear in <see cref="PaiPropertyNames.Backend"/> and in errors.</param>
    /// <param name="options">Time budgets and cooldown; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="backends"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="backends"/> is empty, or holds a null client or a blank or repeated name.</exception>
    /// <remarks>The clients are not disposed by this instance. The request options reach them unchanged but for the <see cref="PaiPropertyNames.Effort"/> key, which is removed.</remarks>
    public FallbackChatClient(IEnumerable<KeyValuePair<string, IChatClient>> backends, FallbackChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        options ??= new FallbackChatClientOptions();
        options.Validate();

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var chain = new List<ChainLink>();
        var diagnostics = new RouterDiagnostics(options.LoggerFactory ?? NullLoggerFactory.Instance, null);
        foreach ((string name, IChatClient client) in backends)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A backend name is blank; every backend needs a name.", nameof(backends));
            }

            if (client is null)
            {
                throw new ArgumentException($"The client of backend '{name}' is null.", nameof(backends));
            }

            if (!names.Add(name))
            {
                throw new ArgumentException($"The backend name '{name}' appears twice; names must be unique.", nameof(backends));
            }

            BackendOptions backendOptions = options.Backend.Clone();
            var cooldown = new BackendCooldown(name, options.Cooldown, options.TimeProvider);
            diagnostics.Track(cooldown);
            chain.Add(new ChainLink(new ChatBackend(name, client, backendOptions, provider: null, cooldown, ownsModel: false, disposeClient: false), null));
        }

        if (chain.Count == 0)
        {
            throw new ArgumentException("At least one backend is required.", nameof(backends));
        }

        _chain = [.. chain];
        _runtime = new RouterRuntime(options.TimeProvider, options.RequestTimeout, diagnostics, []);
        _ownedDiagnostics = diagnostics;
        _metadata = MetadataOf(_chain);
    }

    internal FallbackChatClient(ChainLink[] chain, RouterRuntime runtime, EffortLevel? effort)
    {
        _chain = chain;
        _runtime = runtime;
        _effort = effort;
        _metadata = MetadataOf(chain);
    }

    /// <summary>The names of the backends, in the order they are tried.</summary>
    public IReadOnlyList<string> BackendNames => [.. _chain.Select(link => link.Backend.Name)];

    internal ChainLink[] Chain => _chain;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // The common case gets a path of its own: the first backend is not cooling down and nobody listens for spans or
        // metrics, so the attempt needs no fallback state, no span and no measurements until it fails (it rarely does).
        // Over loopback HTTP the general loop's bookkeeping cost about 1 % of a request (docs/benchmarks.md).
        ChainLink first = _chain[0];
        return !first.Backend.Cooldown.IsCoolingDown && _runtime.Diagnostics.IsQuiet
            ? FirstAttemptAsync(first, messages, options, cancellationToken)
            : FallBackAsync(messages, options, null, cancellationToken);
    }

    // The first backend's attempt on the common path; a failure hands over to the general loop, as if it had made it.
    private async Task<ChatResponse> FirstAttemptAsync(ChainLink link, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        ChatBackend backend = link.Backend;
        EffortLevel? effort = EffortOf(options);
        EffortLevel? served = link.ServedEffort ?? effort;
        long started = _runtime.Time.GetTimestamp();
        FirstAttemptFailure failed;
        using (var watchdog = new AttemptWatchdog(_runtime.Time, cancellationToken, backend.Options.FirstTokenTimeout, Timeout.InfiniteTimeSpan, _runtime.RequestTimeout))
        {
            try
            {
                Task<ChatResponse> answer = backend.Client.GetResponseAsync(messages, backend.PrepareOptions(options), watchdog.Token);

                // The request is on its way: make the answer's stamp while the backend works on it.
                AdditionalPropertiesDictionary? stamp = answer.IsCompleted ? null : backend.NewStamp(served);
                return backend.Answered(await answer.ConfigureAwait(false), served, stamp);
            }
            catch (Exception ex)
            {
                failed = new FirstAttemptFailure(effort, started, ex, watchdog.Expired, _runtime.Time.GetElapsedTime(started));
            }
        }

        return await FallBackAsync(messages, options, failed, cancellationToken).ConfigureAwait(false);
    }

    // The general loop: every backend of the chain in turn, with spans, metrics, cooldown trials and Retry-After.
    private async Task<ChatResponse> FallBackAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, FirstAttemptFailure? firstAttempt, CancellationToken cancellationToken)
    {
        TimeProvider time = _runtime.Time;
        FallbackRun run;
        if (firstAttempt is { } first)
        {
            // A caller's cancellation during that attempt surfaces from here as it would from the loop: the attempt's own
            // exception (or one wrapping it), after the attempt is recorded as abandoned.
            run = FallbackRun.AfterFirstAttempt(_chain, _runtime, first.Effort, first.Started);
            TimeSpan? retryFirstAfter = AfterFailure(ref run, _chain[0], CooldownAdmission.Available, first.Error, first.Expired, first.Duration, null, cancellationToken);
            if (retryFirstAfter is { } wait)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            cancellationToken.ThrowIfCancellationRequested();
            run = new FallbackRun(_chain, _runtime, EffortOf(options), streaming: false);
        }

        while (run.TryNext(out ChainLink link, out CooldownAdmission admission))
        {
            ChatBackend backend = link.Backend;
            ChatOptions? prepared = backend.PrepareOptions(options);
            Activity? attempt = RouterDiagnostics.StartAttempt(backend, run.AttemptCount, link.ServedEffort ?? run.Effort);
            long started = run.AttemptStarted();
            TimeSpan? retryAfter;
            using (var watchdog = new AttemptWatchdog(time, cancellationToken, backend.Options.FirstTokenTimeout, Timeout.InfiniteTimeSpan, run.AttemptDeadline))
            {
                try
                {
                    Task<ChatResponse> answer = backend.Client.GetResponseAsync(messages, prepared, watchdog.Token);
                    EffortLevel? served = link.ServedEffort ?? run.Effort;
                    AdditionalPropertiesDictionary? stamp = answer.IsCompleted ? null : backend.NewStamp(served);
                    ChatResponse response = backend.Answered(await answer.ConfigureAwait(false), served, stamp);
                    _runtime.Diagnostics.AttemptSucceeded(attempt, backend, response.ModelId, response.Usage, served);
                    run.End(link, "success", null);
                    return response;
                }
                catch (Exception ex)
                {
                    retryAfter = AfterFailure(ref run, link, admission, ex, watchdog.Expired, time.GetElapsedTime(started), attempt, cancellationToken);
                }
            }

            if (retryAfter is { } wait)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
        }

        throw run.Exhausted();
    }

    /// <summary>
    /// What follows a failed non-streamed attempt: the caller's cancellation surfaces as itself; anything else is recorded
    /// and classified (a rejected request throws from here).
    /// </summary>
    /// <returns>A delay before retrying the same backend, or <see langword="null"/> to move on.</returns>
    private static TimeSpan? AfterFailure(ref FallbackRun run, ChainLink link, CooldownAdmission admission, Exception failure, AttemptTimeout expired, TimeSpan duration, Activity? attempt, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            run.Abandoned(link, admission, attempt);
            if (failure is OperationCanceledException)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            throw new OperationCanceledException("The caller cancelled the request.", failure, cancellationToken);
        }

        return run.Failed(link, admission, failure, expired, duration, attempt);
    }

    /// <summary>How the first attempt of the common path failed, for the general loop to take over.</summary>
    private sealed record FirstAttemptFailure(EffortLevel? Effort, long Started, Exception Error, AttemptTimeout Expired, TimeSpan Duration);

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        TimeProvider time = _runtime.Time;
        // Nothing listening for spans or metrics: their calls are skipped, not just made to find nobody there (over
        // loopback HTTP each cold call costs a few hundred nanoseconds before the first update).
        bool quiet = _runtime.Diagnostics.IsQuiet;
        var run = new FallbackRun(_chain, _runtime, EffortOf(options), streaming: true, quiet);
        while (run.TryNext(out ChainLink link, out CooldownAdmission admission))
        {
            ChatBackend backend = link.Backend;
            EffortLevel? served = link.ServedEffort ?? run.Effort;
            ChatOptions? prepared = backend.PrepareOptions(options);
            Activity? attempt = quiet ? null : RouterDiagnostics.StartAttempt(backend, run.AttemptCount, served);
            long started = run.AttemptStarted();
            var watchdog = new AttemptWatchdog(time, cancellationToken, backend.Options.FirstTokenTimeout, backend.Options.StallTimeout, run.AttemptDeadline);
            IAsyncEnumerator<ChatResponseUpdate>? updates = null;
            Exception? failure = null;
            ChatResponseUpdate? first = null;
            List<ChatResponseUpdate>? held = null;
            AdditionalPropertiesDictionary? stamp = null;
            bool finished = false;
            bool reported = false;
            TimeSpan? retryAfter = null;
            try
            {
                // Phase 1: read until the first content. Nothing has reached the caller, so any failure can fail over.
                try
                {
                    updates = backend.Client.GetStreamingResponseAsync(messages, prepared, watchdog.Token).GetAsyncEnumerator(watchdog.Token);
                    ValueTask<bool> next = updates.MoveNextAsync();

                    // The request is on its way: make the first update's stamp while the backend works on it.
                    stamp = next.IsCompleted ? null : backend.NewStamp(served);
                    while (await next.ConfigureAwait(false))
                    {
                        ChatResponseUpdate update = updates.Current;
                        finished |= update.FinishReason is not null;
                        if (HasContent(update))
                        {
                            first = update;
                            break;
                        }

                        (held ??= []).Add(update);
                        next = updates.MoveNextAsync();
                    }

                    if (first is null && !finished)
                    {
                        // Ended with no content and no finish reason: an SSE error event or a cut-off stream, not an answer.
                        throw new IncompleteStreamException(backend.Name, backend.Model, held is null
                            ? "ended its stream without any update or finish reason."
                            : "ended its stream without content or finish reason (an SSE error event, or the stream was cut off).");
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                }

                if (failure is not null)
                {
                    reported = true;
                    if (cancellationToken.IsCancellationRequested)
                    {
                        run.Abandoned(link, admission, attempt);
                        if (failure is OperationCanceledException)
                        {
                            ExceptionDispatchInfo.Throw(failure);
                        }

                        throw new OperationCanceledException("The caller cancelled the request.", failure, cancellationToken);
                    }

                    retryAfter = run.Failed(link, admission, failure, watchdog.Expired, time.GetElapsedTime(started), attempt);
                }
                else
                {
                    // Commit: this backend's answer is what the caller gets.
                    watchdog.Flowing();
                    backend.Cooldown.ReportSuccess();
                    if (!quiet)
                    {
                        _runtime.Diagnostics.FirstToken(attempt, backend, served, time, started);
                    }

                    ChatResponseUpdate stamped = held is { Count: > 0 } ? held[0] : first!;
                    stamped.AdditionalProperties = backend.Stamp(stamped.AdditionalProperties, served, stamp);
                    if (held is not null)
                    {
                        foreach (ChatResponseUpdate update in held)
                        {
                            yield return update;
                        }
                    }

                    UsageDetails? usage = null;
                    if (first is not null)
                    {
                        usage = UsageOf(first, usage);
                        yield return first;

                        // Phase 2: relay the rest. A failure now cannot fail over: the caller has part of this answer.
                        // Stalls are timed from here: the time the caller took over the first update is not the backend's.
                        watchdog.WatchStalls();
                        while (true)
                        {
                            ChatResponseUpdate update;
                            try
                            {
                                if (!await updates!.MoveNextAsync().ConfigureAwait(false))
                                {
                                    break;
                                }

                                update = updates.Current;
                            }
                            catch (Exception ex)
                            {
                                failure = ex;
                                break;
                            }

                            watchdog.Progress();
                            finished |= update.FinishReason is not null;
                            usage = UsageOf(update, usage);
                            yield return update;
                        }
                    }

                    if (failure is null && !finished)
                    {
                        failure = new IncompleteStreamException(backend.Name, backend.Model, "ended its stream without a finish reason (an SSE error event, or the stream was cut off).");
                    }

                    reported = true;
                    if (failure is null)
                    {
                        if (!quiet)
                        {
                            _runtime.Diagnostics.AttemptSucceeded(attempt, backend, first?.ModelId ?? held?[0].ModelId, usage, served);
                            run.End(link, "success", null);
                        }

                        yield break;
                    }

                    if (cancellationToken.IsCancellationRequested)
                    {
                        run.Abandoned(link, admission, attempt);
                        throw failure as OperationCanceledException ?? new OperationCanceledException("The caller cancelled the request.", failure, cancellationToken);
                    }

                    throw Interrupted(ref run, link, attempt, failure, watchdog.Expired);
                }
            }
            finally
            {
                if (!reported)
                {
                    // The caller stopped reading before the stream ended.
                    run.Abandoned(link, admission, attempt);
                }

                if (updates is not null)
                {
                    await DisposeQuietlyAsync(updates).ConfigureAwait(false);
                }

                watchdog.Dispose();
            }

            if (retryAfter is { } wait)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
        }

        throw run.Exhausted();
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Releases this client's own diagnostics; the backends' clients belong to whoever created them and stay open.</summary>
    public void Dispose() => _ownedDiagnostics?.Dispose();

    /// <summary>Whether an update carries something the caller sees: text, a tool call, any non-empty content. Usage alone does not count.</summary>
    internal static bool HasContent(ChatResponseUpdate update)
    {
        IList<AIContent> contents = update.Contents;
        for (int i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text when string.IsNullOrEmpty(text.Text):
                case TextReasoningContent reasoning when string.IsNullOrEmpty(reasoning.Text) && reasoning.ProtectedData is null:
                case UsageContent:
                    continue;
                default:
                    return true;
            }
        }

        return false;
    }

    private static UsageDetails? UsageOf(ChatResponseUpdate update, UsageDetails? usage)
    {
        IList<AIContent> contents = update.Contents;
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent found)
            {
                return found.Details;
            }
        }

        return usage;
    }

    private EffortLevel? EffortOf(ChatOptions? options)
    {
        if (_effort is not null)
        {
            return _effort;
        }

        // Standalone use: report the caller's effort if it set a valid one; routing is not this client's job.
        try
        {
            return EffortParser.Read(options);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private StreamInterruptedException Interrupted(ref FallbackRun run, ChainLink link, Activity? attempt, Exception failure, AttemptTimeout expired)
    {
        ChatBackend backend = link.Backend;
        FailureInfo info = expired != AttemptTimeout.None
            ? new FailureInfo(FailureReason.Timeout, null, null)
            : FailureClassifier.Classify(failure, backend.Provider);
        if (info.CountsAgainstBackend)
        {
            backend.Cooldown.ReportFailure(null);
        }

        string reason = expired == AttemptTimeout.Stall
            ? $"no update for {backend.Options.StallTimeout:c} (StallTimeout)."
            : SecretRedactor.Redact(FallbackRun.OneLine($"{info.ReasonName}: {failure.Message}"), _runtime.Secrets);
        _runtime.Diagnostics.AttemptFailed(attempt, backend, info, link.ServedEffort ?? run.Effort);
        _runtime.Diagnostics.Interrupted(backend, info.ReasonName);
        run.End(link, "interrupted", info.ErrorType);
        return new StreamInterruptedException(backend.Name, backend.Model, info.StatusCode, reason, SecretRedactor.Sanitize(failure, _runtime.Secrets));
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            // A broken connection can fail again while being closed; the failure that matters was already handled.
        }
    }

    private static ChatClientMetadata MetadataOf(ChainLink[] chain)
    {
        ChatBackend first = chain[0].Backend;
        return new ChatClientMetadata("pai", first.Options.Endpoint is { IsAbsoluteUri: true } uri ? uri : null, first.Model);
    }
}
