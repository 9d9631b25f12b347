using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.Anthropic.AnthropicHarness;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Anthropic;

/// <summary>The Anthropic API key never appears in exception messages, their ToString(), health reports or descriptions.</summary>
public sealed class AnthropicSecretTests : IAsyncLifetime
{
    private ScriptedAnthropicServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedAnthropicServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, bool> Failures() => new()
    {
        { "401", false }, { "401", true }, { "529", false }, { "529", true }, { "400", false }, { "400", true },
        { "error-event-before-output", true }, { "error-event-after-output", true }, { "refused", false }, { "refused", true },
        { "401-echoing-the-key", false }, { "401-echoing-the-key", true }, { "error-event-echoing-the-key", true },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task The_key_is_in_no_exception_message_or_string(string failure, bool streaming)
    {
        Uri endpoint = failure == "refused" ? ScriptedAnthropicServer.RefusedEndpoint() : _server.BaseUri;
        _server.Always(Claude, failure switch
        {
            "401" => ScriptedReply.Status(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"""),
            "529" => ScriptedReply.Status(529),
            "400" => ScriptedReply.Status(400),
            "error-event-before-output" => ScriptedReply.Text("one two three").ErrorEventAfterChunks(2),
            "error-event-after-output" => ScriptedReply.Text("one two three").WithChunks(3).ErrorEventAfterChunks(3),
            "401-echoing-the-key" => EchoKey(),
            "error-event-echoing-the-key" => ScriptedReply.Text("one two three").WithChunks(3).ErrorEventAfterChunks(3, $"key {ApiKey} is overloaded"),
            _ => ScriptedReply.Text("unused"),
        });
        using ModelRouter router = Router(("anthropic", Backend(endpoint)));

        Outcome outcome = await RunAsync(router, streaming);

        Exception error = outcome.Error.Should().NotBeNull().And.Subject.As<Exception>();
        error.Message.Should().NotContain(ApiKey);
        error.ToString().Should().NotContain(ApiKey);
        if (error is AllBackendsFailedException all)
        {
            all.Attempts.Should().OnlyContain(a => !a.ToString().Contains(ApiKey) && !a.Error.ToString().Contains(ApiKey));
        }
    }

    /// <summary>A hostile or careless server that quotes the credentials it received in its error body.</summary>
    private static ScriptedReply EchoKey() => ScriptedReply.Custom(async context =>
    {
        context.Response.StatusCode = 401;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            $$$"""{"type":"error","error":{"type":"authentication_error","message":"invalid credentials: {{{context.Request.Headers.Authorization}}}"}}""");
    });

    [Fact]
    public async Task The_key_is_in_no_health_report()
    {
        _server.SetModelsReply(ScriptedReply.Status(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"""));
        using ModelRouter router = Router(("anthropic", Backend(_server.BaseUri)), ("refused", Backend(ScriptedAnthropicServer.RefusedEndpoint())));

        IReadOnlyList<BackendHealthReport> reports = await router.CheckBackendsAsync();

        reports.Should().HaveCount(2).And.OnlyContain(r => !r.ToString().Contains(ApiKey));
    }

    [Fact]
    public void The_key_is_in_no_description_or_validation_message()
    {
        BackendOptions backend = Backend(new Uri("https://api.anthropic.com"), configure: b => b.MaxTokens = null);
        PaiLlmOptions options = Options(("anthropic", backend));

        Action build = () => new ModelRouter(options);

        build.Should().Throw<OptionsValidationException>().Which.Message.Should().NotContain(ApiKey);
        backend.ToString().Should().NotContain(ApiKey).And.Contain("API key set");
        options.ToString().Should().NotContain(ApiKey);
        backend.MaxTokens = MaxTokens;
        using var router = new ModelRouter(options);
        router.ToString().Should().NotContain(ApiKey);
    }
}
