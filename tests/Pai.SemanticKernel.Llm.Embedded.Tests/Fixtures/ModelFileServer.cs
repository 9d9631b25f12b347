using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

/// <summary>How <see cref="ModelFileServer"/> answers.</summary>
internal enum ModelFileReply
{
    /// <summary>The whole file, with its Content-Length.</summary>
    Whole,

    /// <summary>Announces the whole length, sends half, then resets the connection.</summary>
    CutOffHalfway,

    /// <summary>An HTML page with status 200, as a login wall or a wrong link would give.</summary>
    HtmlPage,
}

/// <summary>Serves a model file over HTTP on 127.0.0.1 (Kestrel, dynamic port) and counts the requests.</summary>
internal sealed class ModelFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _content;
    private int _requests;

    private ModelFileServer(WebApplication app, byte[] content)
    {
        _app = app;
        _content = content;
    }

    internal ModelFileReply Reply { get; set; } = ModelFileReply.Whole;

    internal int Requests => Volatile.Read(ref _requests);

    internal Uri Url { get; private set; } = null!;

    internal static async Task<ModelFileServer> StartAsync(string file)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new ModelFileServer(app, await File.ReadAllBytesAsync(file));
        app.MapGet("/models/{name}", (RequestDelegate)server.ServeAsync);
        await app.StartAsync();
        int port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        server.Url = new Uri($"http://127.0.0.1:{port}/models/{Path.GetFileName(file)}");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        switch (Reply)
        {
            case ModelFileReply.Whole:
                context.Response.ContentLength = _content.Length;
                await context.Response.Body.WriteAsync(_content);
                break;
            case ModelFileReply.CutOffHalfway:
                context.Response.ContentLength = _content.Length;
                await context.Response.Body.WriteAsync(_content.AsMemory(0, _content.Length / 2));
                await context.Response.Body.FlushAsync();
                context.Abort();
                break;
            case ModelFileReply.HtmlPage:
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<!DOCTYPE html><html><body>Sign in to download this model.</body></html>");
                break;
        }
    }
}
