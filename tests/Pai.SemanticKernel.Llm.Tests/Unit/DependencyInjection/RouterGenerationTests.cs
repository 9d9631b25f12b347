namespace Pai.SemanticKernel.Llm.Tests.Unit.DependencyInjection;

public sealed class RouterGenerationTests
{
    [Fact]
    public void A_retired_generation_is_disposed_when_its_last_request_ends()
    {
        using ModelRouter router = new(PaiPresets.DefaultVllm);
        var generation = new RouterGeneration(router, disposeWhenReleased: true);
        generation.TryAcquire().Should().BeTrue();
        generation.TryAcquire().Should().BeTrue();

        generation.Retire();
        generation.Release();
        bool disposedWithOneRequestLeft = generation.IsDisposed;
        generation.Release();

        disposedWithOneRequestLeft.Should().BeFalse();
        generation.IsDisposed.Should().BeTrue();
    }

    [Fact]
    public void A_retired_and_unused_generation_refuses_new_requests()
    {
        using ModelRouter router = new(PaiPresets.DefaultVllm);
        var generation = new RouterGeneration(router, disposeWhenReleased: true);

        generation.Retire();

        generation.IsDisposed.Should().BeTrue();
        generation.TryAcquire().Should().BeFalse();
    }

    [Fact]
    public void The_start_up_generation_is_never_disposed_by_retirement()
    {
        using ModelRouter router = new(PaiPresets.DefaultVllm);
        var generation = new RouterGeneration(router, disposeWhenReleased: false);

        generation.Retire();
        generation.DisposeRouter();

        generation.IsDisposed.Should().BeFalse();
    }

    [Fact]
    public void Concurrent_requests_and_retirement_dispose_exactly_once_after_the_last_release()
    {
        using ModelRouter router = new(PaiPresets.DefaultVllm);
        var generation = new RouterGeneration(router, disposeWhenReleased: true);
        int acquired = 0;

        // A request in flight holds the generation across the concurrent ones and the retirement (which may run first:
        // Parallel.For hands out index ranges in any order).
        generation.TryAcquire().Should().BeTrue();
        Parallel.For(0, 1000, i =>
        {
            if (i == 500)
            {
                generation.Retire();
            }

            if (generation.TryAcquire())
            {
                Interlocked.Increment(ref acquired);
                generation.IsDisposed.Should().BeFalse();
                generation.Release();
            }
        });

        generation.IsDisposed.Should().BeFalse("the request in flight still holds the router");
        generation.Release();

        acquired.Should().Be(1000);
        generation.IsDisposed.Should().BeTrue();
        generation.TryAcquire().Should().BeFalse();
    }
}
