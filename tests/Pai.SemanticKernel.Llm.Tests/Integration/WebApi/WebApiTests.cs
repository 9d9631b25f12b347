using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Pai.SemanticKernel.Llm.Testing;
using Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection;
using static Pai.SemanticKernel.Llm.Tests.Integration.DependencyInjection.TieredConfiguration;

namespace Pai.SemanticKernel.Llm.Tests.Integration.WebApi;

/// <summary>The example web API (examples/Pai.WebApi) through <c>WebApplicationFactory</c>, backed by the scripted server.</summary>
public sealed class WebApiTests : IAsyncLifetime
{
    private ScriptedOpenAIServer _server = null!;
    private WebApplicationFactory<Program> _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach ((string key, string? value) in TieredConfiguration.Settings(_server.V1Endpoint))
            {
                web.UseSetting(key, value);
            }

            web.UseSetting("Telemetry:Exporter", "none");
        });
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("quick", Small)]
    [InlineData("Determined", Large)]
    public async Task Chat_answers_json_from_the_model_of_the_requested_effort(string effort, string model)
    {
        _server.Enqueue(model, ScriptedReply.Text("Hello there.", promptTokens: 11, completionTokens: 3));

        HttpResponseMessage response = await _http.PostAsJsonAsync("/chat", new { message = "Hi", effort });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("text").GetString().Should().Be("Hello there.");
        body.GetProperty("effort").GetString().Should().Be(effort.ToLowerInvariant());
        body.GetProperty("model").GetString().Should().Be(model);
        body.GetProperty("inputTokens").GetInt64().Should().Be(11);
        _server.ChatModels().Should().Equal(model);
    }

    [Fact]
    public async Task Chat_without_an_effort_uses_the_configured_default()
    {
        HttpResponseMessage response = await _http.PostAsJsonAsync("/chat", new { messages = new[] { new { role = "system", content = "Be brief." }, new { role = "user", content = "Hi" } } });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("effort").GetString().Should().Be("standard");
        _server.ChatModels().Should().Equal(Medium);
        _server.ChatRequests()[0].Messages().Select(m => (string?)m!["role"]).Should().Equal("system", "user");
    }

    [Theory]
    [InlineData("/chat")]
    [InlineData("/chat/stream")]
    public async Task A_bad_effort_is_answered_400_with_problem_details_naming_the_field(string path)
    {
        HttpResponseMessage response = await _http.PostAsJsonAsync(path, new { message = "Hi", effort = "turbo" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(400);
        problem.GetProperty("title").GetString().Should().Be("The chat request is not valid.");
        problem.GetProperty("errors").GetProperty("effort")[0].GetString().Should().Contain("'turbo'").And.Contain("quick, standard, determined");
        _server.CountRequests().Should().Be(0);
    }

    [Fact]
    public async Task A_request_without_a_message_is_answered_400_naming_the_field()
    {
        HttpResponseMessage response = await _http.PostAsJsonAsync("/chat", new { messages = new[] { new { role = "robot", content = "Hi" } } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("messages[0].role")[0].GetString().Should().Contain("'robot'");
    }

    [Fact]
    public async Task Chat_stream_relays_the_tokens_as_server_sent_events_then_a_done_event()
    {
        _server.Enqueue(Small, ScriptedReply.Text("one two three four").WithChunks(4));

        HttpResponseMessage response = await _http.PostAsJsonAsync("/chat/stream", new { message = "Count", effort = "quick" });
        List<SseItem<string>> events = await ReadEventsAsync(response);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        events.Where(e => e.EventType == "token").Should().HaveCountGreaterThan(1);
        string.Concat(events.Where(e => e.EventType == "token").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString()))
            .Should().Be("one two three four");
        SseItem<string> done = events[^1];
        done.EventType.Should().Be("done");
        JsonElement summary = JsonDocument.Parse(done.Data).RootElement;
        summary.GetProperty("effort").GetString().Should().Be("quick");
        summary.GetProperty("backend").GetString().Should().Be("small");
        summary.GetProperty("finishReason").GetString().Should().Be("stop");
        _server.ChatRequests().Should().ContainSingle().Which.Stream.Should().BeTrue();
        _server.ChatModels().Should().Equal(Small);
    }

    [Fact]
    public async Task A_stream_that_breaks_after_its_first_tokens_ends_with_an_error_event()
    {
        _server.Enqueue(Small, ScriptedReply.Text("one two three four").WithChunks(4).AbortAfterChunks(3));

        HttpResponseMessage response = await _http.PostAsJsonAsync("/chat/stream", new { message = "Count", effort = "quick" });
        List<SseItem<string>> events = await ReadEventsAsync(response);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        events.Should().Contain(e => e.EventType == "token");
        events[^1].EventType.Should().Be("error");
        JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("detail").GetString().Should().Contain("'small'");
    }

    [Theory]
    [InlineData("/chat")]
    [InlineData("/chat/stream")]
    public async Task When_no_backend_can_answer_the_api_answers_503_with_problem_details(string path)
    {
        _server.Always(null, ScriptedReply.Status(500));

        HttpResponseMessage response = await _http.PostAsJsonAsync(path, new { message = "Hi", effort = "quick" });

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("No model backend could answer.");
        problem.GetProperty("detail").GetString().Should().Contain("small").And.Contain("backup");
        _server.ChatModels().Should().Equal(Small, Backup);
    }

    [Fact]
    public async Task Health_reports_each_tier_healthy_when_its_backend_serves_its_model()
    {
        _server.ServeModels(Small, Medium, Large, Backup);

        HttpResponseMessage response = await _http.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().Should().Be("healthy");
        body.GetProperty("tiers").EnumerateObject().Select(p => (p.Name, p.Value.GetBoolean()))
            .Should().BeEquivalentTo([("quick", true), ("standard", true), ("determined", true)]);
        body.GetProperty("backends").GetProperty("small").GetProperty("modelListed").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Health_is_degraded_when_a_backend_is_down_but_every_tier_can_answer()
    {
        _server.ServeModels(Small, Medium, Backup);

        HttpResponseMessage response = await _http.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().Should().Be("degraded");
        body.GetProperty("backends").GetProperty("large").GetProperty("healthy").GetBoolean().Should().BeFalse();
        body.GetProperty("description").GetString().Should().Contain("large");
    }

    [Fact]
    public async Task Health_is_503_when_no_tier_can_answer()
    {
        _server.SetModelsReply(ScriptedReply.Status(503));

        HttpResponseMessage response = await _http.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("unhealthy");
    }

    private static async Task<List<SseItem<string>>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<SseItem<string>>();
        await foreach (SseItem<string> item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
        {
            events.Add(item);
        }

        return events;
    }
}
