using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Pai.SemanticKernel.Llm.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Anthropic;

/// <summary>The scripted Anthropic server speaks the Messages API's wire format (checked with a plain HttpClient).</summary>
public sealed class ScriptedAnthropicServerTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private ScriptedAnthropicServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedAnthropicServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_streamed_text_is_the_documented_event_sequence()
    {
        _server.Always("m", ScriptedReply.Text("one two").WithChunks(2));

        IReadOnlyList<(string Name, JsonNode Data)> events = await StreamAsync("m");

        events.Select(e => e.Name).Should().Equal(
            "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        events.Should().OnlyContain(e => (string?)e.Data["type"] == e.Name);
        events.Where(e => e.Name == "content_block_delta").Select(e => (string?)e.Data["delta"]!["text"]).Should().Equal("one ", "two");
        ((string?)events[5].Data["delta"]!["stop_reason"]).Should().Be("end_turn");
    }

    [Fact]
    public async Task An_error_event_replaces_the_rest_of_the_stream()
    {
        _server.Always("m", ScriptedReply.Text("one two").ErrorEventAfterChunks(3, "Overloaded"));

        IReadOnlyList<(string Name, JsonNode Data)> events = await StreamAsync("m");

        events.Select(e => e.Name).Should().Equal("message_start", "content_block_start", "content_block_delta", "error");
        ((string?)events[3].Data["error"]!["type"]).Should().Be("overloaded_error");
        ((string?)events[3].Data["error"]!["message"]).Should().Be("Overloaded");
    }

    [Fact]
    public async Task A_status_reply_sends_anthropics_error_document_and_a_request_id()
    {
        _server.Always("m", ScriptedReply.Status(529).WithRetryAfter(TimeSpan.FromSeconds(3)));

        using HttpResponseMessage response = await _http.PostAsync(new Uri(_server.BaseUri, "v1/messages"), Body("m", stream: false));

        ((int)response.StatusCode).Should().Be(529);
        response.Headers.GetValues("request-id").Single().Should().StartWith("req_");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(3));
        JsonNode body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string?)body["type"]).Should().Be("error");
        ((string?)body["error"]!["type"]).Should().Be("overloaded_error");
    }

    [Fact]
    public async Task A_tool_call_is_a_tool_use_block()
    {
        _server.Always("m", ScriptedReply.ToolCall("get_weather", """{"city":"Paris"}""", "toolu_9"));

        using HttpResponseMessage response = await _http.PostAsync(new Uri(_server.BaseUri, "v1/messages"), Body("m", stream: false));

        JsonNode body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string?)body["stop_reason"]).Should().Be("tool_use");
        JsonNode block = body["content"]!.AsArray().Single()!;
        block.ToJsonString().Should().Be("""{"type":"tool_use","id":"toolu_9","name":"get_weather","input":{"city":"Paris"}}""");
    }

    [Fact]
    public async Task Unknown_routes_answer_404_and_are_recorded()
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri(_server.BaseUri, "v1/complete"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        _server.Requests.Single().Path.Should().Be("/v1/complete");
        _server.CountRequests().Should().Be(0);
    }

    private async Task<IReadOnlyList<(string Name, JsonNode Data)>> StreamAsync(string model)
    {
        using HttpResponseMessage response = await _http.PostAsync(new Uri(_server.BaseUri, "v1/messages"), Body(model, stream: true));
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        string text = await response.Content.ReadAsStringAsync();
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            string[] lines = block.Split('\n');
            return (lines[0]["event: ".Length..], JsonNode.Parse(lines[1]["data: ".Length..])!);
        })];
    }

    private static StringContent Body(string model, bool stream) =>
        new($$"""{"model":"{{model}}","max_tokens":16,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
}
