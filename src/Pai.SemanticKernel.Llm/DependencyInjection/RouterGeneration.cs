namespace Pai.SemanticKernel.Llm;

/// <summary>
/// One <see cref="ModelRouter"/> built from one version of the configuration, with a count of the requests that use it.
/// </summary>
/// <remarks>
/// The count starts at one: the reference held while this is the current generation. Each request adds one while it
/// runs. <see cref="Retire"/> drops the current-generation reference after a newer generation has replaced this one, and
/// whoever drops the last reference disposes the router, so a router is never disposed under a request that still uses
/// it. A count that has reached zero never rises again (<see cref="TryAcquire"/> refuses), so a request cannot pick up a
/// router that is being disposed.
/// </remarks>
internal sealed class RouterGeneration
{
    private readonly bool _disposeWhenReleased;
    private int _references = 1;
    private int _disposed;

    internal RouterGeneration(ModelRouter router, bool disposeWhenReleased)
    {
        Router = router;
        _disposeWhenReleased = disposeWhenReleased;
    }

    internal ModelRouter Router { get; }

    /// <summary>Whether the router has been disposed because no request uses it any more.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Takes a reference for one request; <see langword="false"/> when the generation is retired and already unused.</summary>
    internal bool TryAcquire()
    {
        while (true)
        {
            int references = Volatile.Read(ref _references);
            if (references == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, references + 1, references) == references)
            {
                return true;
            }
        }
    }

    /// <summary>Drops a request's reference; the last one out disposes a retired router.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            DisposeRouter();
        }
    }

    /// <summary>Drops the current-generation reference: the router is disposed as soon as no request uses it.</summary>
    internal void Retire() => Release();

    /// <summary>Disposes the router now, whoever still uses it (the host is shutting down).</summary>
    internal void DisposeRouter()
    {
        if (_disposeWhenReleased && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Router.Dispose();
        }
    }
}
