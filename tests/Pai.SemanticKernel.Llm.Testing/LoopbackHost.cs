using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm.Testing;

/// <summary>
/// The Kestrel host the scripted servers share: bound to 127.0.0.1 on a free port, logging off unless asked for, and a
/// shutdown that first releases requests the script holds open (hangs, stalls).
/// </summary>
internal sealed class LoopbackHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping;
    private readonly TimeSpan shutdownTimeout;
    private int disposed;

    private LoopbackHost(WebApplication app, CancellationTokenSource stopping, TimeSpan shutdownTimeout)
    {
        this.app = app;
        this.stopping = stopping;
        this.shutdownTimeout = shutdownTimeout;
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        Port = new Uri(addresses.Addresses.First()).Port;
    }

    internal int Port { get; }

    /// <summary>Starts a host whose routes <paramref name="map"/> adds, over handlers made with the host's stopping token.</summary>
    internal static async Task<(LoopbackHost Host, THandlers Handlers)> StartAsync<THandlers>(
        ScriptedOpenAIServerOptions options,
        Func<CancellationToken, THandlers> createHandlers,
        Action<WebApplication, THandlers> map,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LoopbackHost).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);

        var app = builder.Build();
        var stopping = new CancellationTokenSource();
        THandlers handlers = createHandlers(stopping.Token);
        map(app, handlers);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return (new LoopbackHost(app, stopping, options.ShutdownTimeout), handlers);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            throw;
        }
    }

    /// <summary>A loopback port where nothing listens: bind a socket to a free port, read it, close it.</summary>
    internal static int RefusedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(shutdownTimeout))
        {
            try
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Kestrel aborted the connections that outlived the timeout.
            }
        }

        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }
}
