namespace Pai.SemanticKernel.Llm;

/// <summary>What an <see cref="IChatBackendProvider"/> gets to build or probe one backend.</summary>
public sealed class BackendContext
{
    internal BackendContext(string name, BackendOptions options, ModelRouterServices services)
    {
        Name = name;
        Options = options;
        Services = services;
    }

    /// <summary>The backend's name, as configured under <c>Backends</c>.</summary>
    public string Name { get; }

    /// <summary>The backend's settings (validated).</summary>
    public BackendOptions Options { get; }

    /// <summary>The host services: logging, HTTP clients, time.</summary>
    public ModelRouterServices Services { get; }

    /// <summary>The model name: <see cref="BackendOptions.Model"/>, which validation guarantees for HTTP providers.</summary>
    public string Model => Options.Model ?? Name;

    /// <summary>Returns the <see cref="HttpClient"/> for this backend: from <see cref="ModelRouterServices.HttpClientFactory"/> (named <c>Pai.Llm.{backend}</c>) when set, otherwise one owned by the router.</summary>
    /// <returns>A client whose own timeout is infinite: the router enforces its time budgets itself.</returns>
    public HttpClient GetHttpClient() => Services.GetHttpClient(this);

    /// <summary>Returns the backend's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
