using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm.Benchmarks.Loopback;

/// <summary>
/// The fastest OpenAI-compatible server this machine can offer both sides of a comparison: Kestrel on 127.0.0.1 answering
/// every <c>POST .../chat/completions</c> with the same precomputed bytes (JSON, or an SSE stream when the body asks
/// for one). No scripting, no logging, no per-request state: whatever differs between two clients is the clients.
/// </summary>
internal sealed class StaticOpenAIResponder : IAsyncDisposable
{
    internal const string Model = "bench-model";

    private static readonly byte[] StreamFlag = "\"stream\":true"u8.ToArray();
    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"" + Model + "\"," +
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The quick brown fox jumps over the lazy dog.\"},\"finish_reason\":\"stop\"}]," +
        "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":10,\"total_tokens\":22}}");

    // A role chunk and the first token, flushed at once (what "time to first update" waits for), then the rest.
    private static readonly byte[] StreamHead = Encoding.UTF8.GetBytes(Chunk("{\"role\":\"assistant\",\"content\":\"\"}", null) + Chunk("{\"content\":\"The\"}", null));
    private static readonly byte[] StreamTail = Encoding.UTF8.GetBytes(
        string.Concat(" quick brown fox jumps over the lazy dog.".Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(word => Chunk($"{{\"content\":\" {word}\"}}", null))) +
        Chunk("{}", "\"stop\"") +
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + Model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":10,\"total_tokens\":22}}\n\n" +
        "data: [DONE]\n\n");

    private static readonly byte[] Models = Encoding.UTF8.GetBytes("{\"object\":\"list\",\"data\":[{\"id\":\"" + Model + "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"bench\"}]}");

    private readonly WebApplication _app;

    private StaticOpenAIResponder(WebApplication app, int port)
    {
        _app = app;
        V1Endpoint = new Uri($"http://127.0.0.1:{port}/v1");
    }

    /// <summary><c>http://127.0.0.1:{port}/v1</c>, the endpoint an OpenAI client is given.</summary>
    internal Uri V1Endpoint { get; }

    internal static async Task<StaticOpenAIResponder> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });

        WebApplication app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        int port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return new StaticOpenAIResponder(app, port);
    }

    /// <summary>An endpoint where nothing listens: connecting is refused at once, as with a backend whose server is down.</summary>
    internal static Uri RefusedEndpoint()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return new Uri($"http://127.0.0.1:{port}/v1");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        string path = request.Path.Value ?? "";
        if (HttpMethods.IsPost(request.Method) && path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            bool stream = await ReadBodyAsksForStreamAsync(request.BodyReader, context.RequestAborted).ConfigureAwait(false);
            if (!stream)
            {
                response.ContentType = "application/json";
                response.ContentLength = Completion.Length;
                await response.Body.WriteAsync(Completion, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            await response.Body.WriteAsync(StreamHead, context.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await response.Body.WriteAsync(StreamTail, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(request.Method) && path.EndsWith("/models", StringComparison.Ordinal))
        {
            response.ContentType = "application/json";
            response.ContentLength = Models.Length;
            await response.Body.WriteAsync(Models, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status404NotFound;
    }

    // Reads the whole body (as a real server must) and tells whether it asks for a stream.
    private static async Task<bool> ReadBodyAsksForStreamAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                bool stream = Contains(result.Buffer, StreamFlag);
                reader.AdvanceTo(result.Buffer.End);
                return stream;
            }

            // Nothing consumed: the next read returns the whole body so far plus what arrived.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static bool Contains(ReadOnlySequence<byte> buffer, byte[] value)
    {
        if (buffer.IsSingleSegment)
        {
            return buffer.FirstSpan.IndexOf(value) >= 0;
        }

        return buffer.ToArray().AsSpan().IndexOf(value) >= 0;
    }

    private static string Chunk(string delta, string? finishReason) =>
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + Model + "\"," +
        "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + (finishReason ?? "null") + "}]}\n\n";
}
