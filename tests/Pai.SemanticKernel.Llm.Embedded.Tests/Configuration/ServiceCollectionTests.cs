using Microsoft.Extensions.DependencyInjection;
using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Configuration;

public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task The_registered_provider_lets_a_router_built_from_the_container_run_embedded_backends()
    {
        using ServiceProvider container = new ServiceCollection()
            .AddPaiEmbeddedBackend(options => options.ModelCacheDirectory = "/var/cache/pai")
            .AddPaiEmbeddedBackend()
            .BuildServiceProvider();

        IChatBackendProvider[] providers = [.. container.GetServices<IChatBackendProvider>()];
        using var router = new ModelRouter(EmbeddedDefaults.ForModel(TestModel.Backend()), new ModelRouterServices { Providers = providers });

        providers.Should().ContainSingle().Which.Should().BeOfType<EmbeddedBackendProvider>()
            .Which.ModelCacheDirectory.Should().Be("/var/cache/pai");
        (await router.GetResponseAsync(TestModel.Prompt())).Text.Should().NotBeEmpty();
    }
}
