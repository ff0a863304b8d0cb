namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] DashboardRows =>
    [
        // Team dashboards: never reps; a manager only their own team (manager1 asks for manager2's); leaders and admins any.
        new("GET", "Dashboards/Team", o => $"/Dashboards/Team?managerId={o.Manager2.Id}", "login", "denied", "403", "200", "200"),
        new("GET", "api/v1/dashboards/team", o => $"/api/v1/dashboards/team?managerId={o.Manager2.Id}", "401", "403", "403", "200", "200"),
        // Is the plan happening: a manager sees it for their own team.
        Page("Dashboards/Organisation", "/Dashboards/Organisation", "denied", "200", "200", "200"),
        new("GET", "api/v1/dashboards/organisation", _ => "/api/v1/dashboards/organisation", "401", "403", "200", "200", "200"),
        // A rep's dashboard and deals are scoped like the rep: another team's rep does not exist for a rep or a manager.
        new("GET", "Dashboards/Rep/{repId:guid?}", o => $"/Dashboards/Rep/{o.Rep3.Id}", "login", "404", "404", "200", "200"),
        new("GET", "api/v1/dashboards/rep", o => $"/api/v1/dashboards/rep?repId={o.Rep3.Id}", "401", "404", "404", "200", "200"),
        new("GET", "api/v1/dashboards/deals-at-risk", o => $"/api/v1/dashboards/deals-at-risk?repId={o.Rep3.Id}", "401", "404", "404", "200", "200"),
    ];
}
