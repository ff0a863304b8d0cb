using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Dashboards;

public static class DashboardEndpoints
{
    public static IServiceCollection AddDashboards(this IServiceCollection services) =>
        services.AddScoped<DashboardFigures>().AddScoped<DealsAtRisk>().AddScoped<TeamDashboard>().AddScoped<OrganisationDashboard>()
            .AddScoped<RepDashboard>()
            .AddScoped<CreditedDeals>();

    private const string Formats = " format=csv answers one table as CSV (table= names it, default the first), format=xlsx every table as a workbook, one sheet each.";

    public static void Map(RouteGroupBuilder dashboards)
    {
        dashboards.MapGet("/team", async (Guid? managerId, DateOnly? asOf, Guid? cycleId, int? noActivityDays, int? stalledDays, string? format, string? table,
                    TeamDashboard team, CancellationToken ct) =>
                {
                    var export = TableExport.FormatOf(format);
                    if (await team.GetAsync(managerId, asOf, cycleId, new RiskOverrides(noActivityDays, stalledDays), ct) is not { } view)
                    {
                        return Results.NotFound();
                    }

                    return export is null ? Results.Ok(view) : TableExport.File(export, $"team-{DashboardText.Iso(view.AsOf)}", DashboardTables.Of(view), table);
                })
            .RequireAuthorization(Policies.For(Act.FollowTeam))
            .Produces<TeamDashboardView>().Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithName("getTeamDashboard")
            .WithSummary("A manager's team ranked by revenue forecast attainment (current quarter and cycle to date) against the team target, reps behind " +
                         "flagged, and the team's deals at risk. managerId defaults to the caller; a manager sees only their own team, leaders and admins any." + Formats);

        dashboards.MapGet("/organisation", async (DateOnly? asOf, Guid? cycleId, string? format, string? table, OrganisationDashboard organisation,
                    CancellationToken ct) =>
                {
                    var export = TableExport.FormatOf(format);
                    var view = await organisation.GetAsync(asOf, cycleId, ct);
                    return export is null ? Results.Ok(view) : TableExport.File(export, $"organisation-{DashboardText.Iso(view.AsOf)}", DashboardTables.Of(view), table);
                })
            .RequireAuthorization(Policies.For(Act.FollowTeam))
            .Produces<OrganisationView>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithName("getOrganisationDashboard")
            .WithSummary("Is the plan happening: revenue against the plans in force by team, product and segment, and each strategic objective, " +
                         "for the caller's scope (everyone for leaders and admins, a manager's team)." + Formats);

        dashboards.MapGet("/rep", async (Guid? repId, DateOnly? asOf, Guid? cycleId, int? noActivityDays, int? stalledDays, string? format, string? table,
                    RepDashboard rep, CancellationToken ct) =>
                {
                    var export = TableExport.FormatOf(format);
                    if (await rep.GetAsync(repId, asOf, cycleId, new RiskOverrides(noActivityDays, stalledDays), ct) is not { } view)
                    {
                        return Results.NotFound();
                    }

                    return export is null ? Results.Ok(view) : TableExport.File(export, $"rep-{DashboardText.Iso(view.AsOf)}", DashboardTables.Of(view), table);
                })
            .Produces<RepDashboardView>().Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithName("getRepDashboard")
            .WithSummary("A rep's revenue and goals against the plan in force, the current quarter's cumulative chart data, the won deals credited to them " +
                         "(as owner, by a revenue split or as an account's overlay rep, ADR 0046) and their deals at risk. " +
                         "repId defaults to the caller; others' dashboards exist only within the caller's scope." + Formats);

        dashboards.MapGet("/deals-at-risk", async (Guid? repId, Guid? managerId, DateOnly? asOf, Guid? cycleId, int? noActivityDays, int? stalledDays,
                    string? format, RepDashboard rep, TeamDashboard team, CancellationToken ct) =>
                {
                    var export = TableExport.FormatOf(format);
                    var rules = new RiskOverrides(noActivityDays, stalledDays);
                    IReadOnlyList<DealAtRisk>? deals;
                    DateOnly? day;
                    if (managerId is not null)
                    {
                        var view = await team.GetAsync(managerId, asOf, cycleId, rules, ct);
                        (deals, day) = (view?.DealsAtRisk, view?.AsOf);
                    }
                    else
                    {
                        var view = await rep.GetAsync(repId, asOf, cycleId, rules, ct);
                        (deals, day) = (view?.DealsAtRisk, view?.AsOf);
                    }

                    if (deals is null || day is null)
                    {
                        return Results.NotFound();
                    }

                    return export is null ? Results.Ok(deals) : TableExport.File(export, $"deals-at-risk-{DashboardText.Iso(day.Value)}", [DashboardTables.Deals(deals)], null);
                })
            .Produces<IReadOnlyList<DealAtRisk>>().Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithName("listDealsAtRisk")
            .WithSummary("Open deals at risk of a rep (repId, default the caller) or of a manager's team (managerId): close date passed, no activity held on " +
                         "the account in noActivityDays, or no stage change in stalledDays by the imports' history; both default to the leader's metric settings (idleDays, stalledDays)." + Formats);
    }
}
