using System.ClientModel;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// What a failure says about a redirect: the backends' HTTP handler does not follow redirects
/// (<see cref="ModelRouterServices.CreateHandler"/>), so an endpoint that redirects is reported with where it points.
/// </summary>
internal static class Redirects
{
    internal static bool IsRedirect(int status) => status is >= 300 and < 400;

    /// <summary>The <c>Location</c> of a redirect an SDK call failed with, when the SDK kept the response.</summary>
    internal static string? LocationOf(Exception error) =>
        error is ClientResultException result && result.GetRawResponse() is { } response &&
        response.Headers.TryGetValue("Location", out string? location)
            ? location
            : null;

    /// <summary>The failure's explanation and what to do, with the target's credentials and query masked.</summary>
    internal static string Describe(string? location) => string.IsNullOrWhiteSpace(location)
        ? "the endpoint answered with a redirect, and redirects are not followed: point the backend's Endpoint at the address it redirects to"
        : $"the endpoint redirects to {SecretRedactor.DescribeText(location)}, and redirects are not followed: point the backend's Endpoint there";
}
