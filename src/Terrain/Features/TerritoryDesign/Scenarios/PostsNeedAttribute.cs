using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>
/// A page that some may read and fewer may change: every POST handler needs <paramref name="act"/>, asked of the one
/// decision point before the handler reads its form, so a reader is sent to the not-allowed page whatever they post.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PostsNeedAttribute(Act act) : Attribute, IAsyncPageFilter
{
    public Act Act { get; } = act;

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (HttpMethods.IsPost(context.HttpContext.Request.Method) && !context.HttpContext.RequestServices.GetRequiredService<AccessPolicy>().May(Act))
        {
            context.Result = new ForbidResult();
            return Task.CompletedTask;
        }

        return next();
    }
}
