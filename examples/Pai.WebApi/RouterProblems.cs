using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Pai.SemanticKernel.Llm;

namespace Pai.WebApi;

/// <summary>Answers the router's failures with problem details: no backend could answer → 503, a backend refused the request → 422.</summary>
internal sealed class RouterProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        (int status, string title) = exception switch
        {
            AllBackendsFailedException => (StatusCodes.Status503ServiceUnavailable, "No model backend could answer."),
            BackendRequestException => (StatusCodes.Status422UnprocessableEntity, "The model backend refused the request."),
            _ => (0, ""),
        };
        if (status == 0)
        {
            return false;
        }

        context.Response.StatusCode = status;
        if (exception is AllBackendsFailedException)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        // The router's messages name backends and reasons but never secrets.
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = exception.Message },
        });
    }
}
