using Microsoft.AspNetCore.Http.HttpResults;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>Routes for workshops: schedule, invite, iCalendar, attendance; and the readiness board.</summary>
public static class WorkshopEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        strategies.MapGet("/{id:guid}/workshops", async Task<Results<Ok<IReadOnlyList<WorkshopRow>>, NotFound>> (Guid id, Workshops workshops, CancellationToken ct) =>
                await workshops.ListAsync(id, withInvitees: false, ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .WithSummary("The workshop sessions of the strategy (of every revision), earliest first, with the agenda, the number invited and attended, and whether the caller is invited.")
            .WithName("listWorkshops");

        strategies.MapPost("/{id:guid}/workshops", async Task<IResult> (Guid id, WorkshopInput input, Workshops workshops, HttpResponse response, CancellationToken ct) =>
            {
                if (await workshops.ScheduleAsync(id, input, ct) is not { } workshop)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(workshop.Version);
                return TypedResults.Created($"/api/v1/strategies/{id}/workshops/{workshop.Id}", workshop);
            })
            .RequireAuthorization(Policies.For(Act.LeadWorkshop))
            .WithSummary("Schedule a session (leaders) on a published strategy: startsAt with an offset, length HalfDay or FullDay, and an agenda (by default built from the strategy's parts). Invites the given reps and managers, or every active rep and their managers, each with an in-app invitation.")
            .WithName("scheduleWorkshop")
            .Produces<WorkshopRow>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapGet("/{id:guid}/workshops/{workshopId:guid}", async Task<Results<Ok<WorkshopRow>, NotFound>> (Guid id, Guid workshopId, Workshops workshops,
                HttpResponse response, CancellationToken ct) =>
            {
                if (await workshops.GetAsync(id, workshopId, ct) is not { } workshop)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(workshop.Version);
                return TypedResults.Ok(workshop);
            })
            .WithSummary("One session; leaders see every invitee with their attendance, managers their team's, reps none. Its version is the ETag.")
            .WithName("getWorkshop");

        strategies.MapPatch("/{id:guid}/workshops/{workshopId:guid}", async Task<IResult> (Guid id, Guid workshopId, WorkshopPatch patch, Workshops workshops,
                HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                if (!ETags.TryParse(request.Headers.IfMatch, out var version))
                {
                    return ETags.Required("session");
                }

                if (await workshops.PatchAsync(id, workshopId, patch, version, ct) is not { } workshop)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(workshop.Version);
                return TypedResults.Ok(workshop);
            })
            .RequireAuthorization(Policies.For(Act.LeadWorkshop))
            .WithSummary("Reschedule a session (title, startsAt, length, location, agenda: invitees are told and the calendar SEQUENCE goes up) and/or invite more people (addInvitees). Leaders; requires If-Match; refused once attendance is recorded.")
            .WithName("updateWorkshop")
            .Produces<WorkshopRow>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapPut("/{id:guid}/workshops/{workshopId:guid}/attendance", async Task<IResult> (Guid id, Guid workshopId, AttendanceInput input, Workshops workshops,
                HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                // If-Match is optional here (the record replaces the whole list), but honoured when it is sent.
                string? version = null;
                var ifMatch = request.Headers.IfMatch;
                if (ifMatch.Count > 0 && ifMatch.ToString().Trim() != "*")
                {
                    if (!ETags.TryParse(ifMatch, out var parsed))
                    {
                        return ETags.Required("session");
                    }

                    version = parsed;
                }

                if (await workshops.RecordAttendanceAsync(id, workshopId, input, version, ct) is not { } workshop)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(workshop.Version);
                return TypedResults.Ok(workshop);
            })
            .RequireAuthorization(Policies.For(Act.LeadWorkshop))
            .WithSummary("Record who attended (leaders), once the session has started: every invitee listed in attended is marked present, every other invitee absent. It may be corrected later. If-Match (the session's ETag) is optional and honoured: a stale one is refused with 409.")
            .WithName("recordAttendance")
            .Produces<WorkshopRow>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapGet("/{id:guid}/workshops/{workshopId:guid}/invitation.ics", async Task<Results<FileContentHttpResult, NotFound>> (Guid id, Guid workshopId,
                Workshops workshops, IConfiguration configuration, CancellationToken ct) =>
            {
                var file = await workshops.InvitationAsync(id, workshopId, BaseUrl(configuration), ct);
                return file is null
                    ? TypedResults.NotFound()
                    : TypedResults.File(System.Text.Encoding.UTF8.GetBytes(file.Content), Ics.ContentType, file.FileName);
            })
            .WithSummary("The session as an iCalendar (RFC 5545) invitation to add to a calendar: for invitees, their managers and leaders.")
            .WithName("getInvitation")
            .Produces<Stream>(StatusCodes.Status200OK, "text/calendar");

        strategies.MapGet("/{id:guid}/readiness", async Task<IResult> (Guid id, Guid? team, Readiness readiness, CancellationToken ct) =>
                await readiness.GetAsync(id, team, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.FollowTeam))
            .WithSummary("The readiness board of a strategy revision: for each rep in the caller's scope (a manager's team, every active rep for leaders), invited, attended, acknowledged, check passed, check attempts and open questions, with totals and the teams to filter by (team=<managerId>).")
            .WithName("getReadiness")
            .Produces<ReadinessView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>
    /// Terrain:PublicUrl, or null when it is not set: never the request's own address, which the client chooses (a
    /// Host: evil.example header would put that host in the invitation people click).
    /// </summary>
    public static string? BaseUrl(IConfiguration configuration) =>
        Infrastructure.TerrainOptions.PublicUrl(configuration)?.ToString().TrimEnd('/');
}
