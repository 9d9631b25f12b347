using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Configuration;

/// <summary>What building a router checks about embedded backends, and the messages it gives.</summary>
public sealed class ValidationTests
{
    [Fact]
    public void A_missing_model_file_fails_the_build_naming_the_setting_the_path_and_the_problem()
    {
        using var directory = new TempDirectory();
        string missing = directory.File("qwen.gguf");

        Action build = () => TestModel.Router(b => b.ModelPath = missing).Dispose();

        build.Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain($"Pai:Llm:Backends:local:ModelPath '{missing}' does not exist");
    }

    [Fact]
    public void A_file_that_is_not_GGUF_fails_the_build_naming_the_path_and_what_it_starts_with()
    {
        using var directory = new TempDirectory();
        string html = directory.File("model.gguf");
        File.WriteAllText(html, "<!DOCTYPE html><html>Sign in</html>");

        Action build = () => TestModel.Router(b => b.ModelPath = html).Dispose();

        build.Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain(html).And.Contain("is not a GGUF file").And.Contain("('<!DO')");
    }

    [Fact]
    public void An_empty_file_fails_the_build()
    {
        using var directory = new TempDirectory();
        string empty = directory.File("empty.gguf");
        File.WriteAllBytes(empty, []);

        Action build = () => TestModel.Router(b => b.ModelPath = empty).Dispose();

        build.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain($"'{empty}' is empty");
    }

    [Fact]
    public void A_missing_file_with_a_download_url_is_left_to_the_first_request()
    {
        using var directory = new TempDirectory();

        Action build = () => TestModel.Router(b =>
        {
            b.ModelPath = directory.File("later.gguf");
            b.DownloadUrl = new Uri("http://127.0.0.1:9/models/later.gguf");
        }, new EmbeddedProviderOptions { ModelCacheDirectory = directory.Path }).Dispose();

        build.Should().NotThrow();
    }

    [Fact]
    public void Bad_settings_are_all_reported_at_once()
    {
        Action build = () => TestModel.Router(b =>
        {
            b.ModelPath = null;
            b.Endpoint = new Uri("http://localhost:8000/v1");
            b.ContextSize = 0;
            b.Threads = -1;
            b.DownloadUrl = new Uri("ftp://example.org/m.gguf");
            b.Sha256 = "abc";
        }).Dispose();

        build.Should().Throw<OptionsValidationException>().Which.Failures.Should().BeEquivalentTo(
            "Pai:Llm:Backends:local:Endpoint is set, but provider 'embedded' runs the model in-process and uses no endpoint: remove it, or use provider 'openai-compatible' for a server.",
            "Pai:Llm:Backends:local:ContextSize '0' must be positive (tokens; for example 2048).",
            "Pai:Llm:Backends:local:Threads '-1' must be positive (or absent for LLamaSharp's default).",
            "Pai:Llm:Backends:local:DownloadUrl 'ftp://example.org/m.gguf' is not an absolute http(s) URI.",
            "Pai:Llm:Backends:local:Sha256 'abc' is not a SHA-256 digest: expected 64 hexadecimal digits.");
    }

    [Fact]
    public void A_backend_that_names_no_model_says_how_to_name_one()
    {
        var provider = new EmbeddedBackendProvider(null, _ => null);
        var errors = new List<string>();

        provider.Validate("Pai:Llm:Backends:local", new BackendOptions { Provider = "embedded" }, errors);

        errors.Should().ContainSingle().Which.Should().Contain("ModelPath is not set").And.Contain("PAI_EMBEDDED_MODEL");
    }

    [Fact]
    public void PAI_EMBEDDED_MODEL_gives_the_path_when_the_configuration_does_not()
    {
        using var directory = new TempDirectory();
        string missing = directory.File("from-env.gguf");
        var errors = new List<string>();

        new EmbeddedBackendProvider(null, name => name == "PAI_EMBEDDED_MODEL" ? TestModel.Path : null)
            .Validate("p", new BackendOptions { Provider = "embedded" }, errors);
        new EmbeddedBackendProvider(null, name => name == "PAI_EMBEDDED_MODEL" ? missing : null)
            .Validate("p", new BackendOptions { Provider = "embedded" }, errors);

        errors.Should().ContainSingle().Which.Should().Be(
            $"environment variable PAI_EMBEDDED_MODEL '{missing}' does not exist. Point it at a GGUF file, or set DownloadUrl to download one.");
    }

    [Fact]
    public async Task The_configuration_contract_builds_an_embedded_backend()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pai:Llm:Backends:local:Provider"] = "embedded",
            ["Pai:Llm:Backends:local:ModelPath"] = TestModel.Path,
            ["Pai:Llm:Backends:local:ContextSize"] = "256",
            ["Pai:Llm:Backends:local:Threads"] = "1",
            ["Pai:Llm:Backends:local:MaxTokens"] = "4",
            ["Pai:Llm:Tiers:standard:Backends:0"] = "local",
        }).Build();

        using ModelRouter router = ModelRouter.FromConfiguration(configuration.GetSection("Pai:Llm"), new ModelRouterServices().WithEmbedded());
        Microsoft.Extensions.AI.ChatResponse response = await router.GetResponseAsync(TestModel.Prompt());

        response.Usage!.OutputTokenCount.Should().BeInRange(1, 4);
        router.GetModelConfig(EffortLevel.Standard).ModelPath.Should().Be(TestModel.Path);
    }

    [Fact]
    public void Without_the_embedded_package_registered_the_provider_is_unknown()
    {
        Action build = () => new ModelRouter(EmbeddedDefaults.ForModel(TestModel.Backend())).Dispose();

        build.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Provider 'embedded' is not a known provider");
    }
}
