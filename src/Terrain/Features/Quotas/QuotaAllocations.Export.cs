using Terrain.Domain.Planning;

namespace Terrain.Features.Quotas;

/// <summary>The allocation as a file: CSV (one table) or an Excel workbook (both).</summary>
public sealed partial class QuotaAllocations
{
    /// <summary>The export's tables: <c>allocation</c> (the reps) and <c>teams</c>.</summary>
    public static readonly string[] ExportTables = ["allocation", "teams"];

    /// <summary>
    /// The allocation as CSV (the <c>allocation</c> table by default, or <c>teams</c>) or Excel (both, one sheet each).
    /// <c>allocation</c>: one row per rep with their team, share, ramp, quarters (the draft's while a draft, the quotas
    /// held once published) and acknowledgement, then the total, the target and the difference. <c>teams</c>: one row
    /// per team with its number by quarter (the leader's, ADR 0048; the sum of its reps for an allocation made before
    /// teams came first), its reps' sum and the difference, then the teams' total, the target and the difference.
    /// </summary>
    public async Task<Dashboards.ExportFile?> ExportAsync(Guid cycleId, string format, CancellationToken ct, string? table = null)
    {
        if (await CurrentAsync(cycleId, ct) is not { } view)
        {
            return null;
        }

        return Dashboards.TableExport.Render(format, "quota-allocation", [RepsTable(view), TeamsTable(view)], table);
    }

    private static string TeamName(AllocationTeamRow team) => team.ManagerId is null ? "No manager" : $"Team of {team.Manager}";

    private static Dashboards.ExportTable RepsTable(AllocationView view)
    {
        var draft = view.Status is null or AllocationStatus.Draft;
        var teams = view.Teams.ToDictionary(t => t.ManagerId ?? Guid.Empty, TeamName);
        var headers = new List<string> { "Rep", "Team", "Manager", "Potential", "Last year's bookings", "Share", "Ramp" };
        headers.AddRange(view.Quarters);
        headers.AddRange(["Total", "Published", "Acknowledged"]);
        var blank = new object?[] { null, null, null, null, null, null };
        var rows = view.Reps.Select(r => new object?[] { r.Name, teams.GetValueOrDefault(r.Team ?? Guid.Empty), r.Manager, r.Potential, r.Bookings, r.Share, string.Join('/', r.Ramp) }
            .Concat(draft ? r.Draft.Select(q => (object?)q) : r.Quota.Select(q => (object?)q)).Concat([r.Total, r.Published, r.Acknowledged]).ToArray()).ToList();
        rows.Add(new object?[] { "Total" }.Concat(blank).Concat(view.QuarterTotals.Select(q => (object?)q)).Concat([view.Total, null, null]).ToArray());
        rows.Add(new object?[] { "Target" }.Concat(blank).Concat(view.Quarters.Select(_ => (object?)null)).Concat([view.Target, null, null]).ToArray());
        rows.Add(new object?[] { "Difference" }.Concat(blank).Concat(view.Quarters.Select(_ => (object?)null)).Concat([view.Difference, null, null]).ToArray());
        return new Dashboards.ExportTable("allocation", headers, rows);
    }

    private static Dashboards.ExportTable TeamsTable(AllocationView view)
    {
        var headers = new List<string> { "Team", "Manager", "Reps" };
        headers.AddRange(view.Quarters);
        headers.AddRange(["Team's quota", "Its reps", "Difference"]);
        var rows = new List<object?[]>();
        var byQuarter = new decimal[view.Quarters.Count];
        foreach (var team in view.Teams)
        {
            var number = team.Quota ?? team.Quarters;
            for (var q = 0; q < byQuarter.Length; q++)
            {
                byQuarter[q] += number.ElementAtOrDefault(q);
            }

            rows.Add(new object?[] { TeamName(team), team.ManagerId is null ? null : team.Manager, team.Reps }.Concat(number.Select(q => (object?)q))
                .Concat([team.QuotaTotal ?? team.Total, team.Total, team.Difference ?? 0m]).ToArray());
        }

        var total = view.TeamsTotal ?? view.Total;
        rows.Add(new object?[] { "Total", null, view.Reps.Count }.Concat(byQuarter.Select(q => (object?)q)).Concat([total, view.Total, null]).ToArray());
        rows.Add(new object?[] { "Target", null, null }.Concat(view.Quarters.Select(_ => (object?)null)).Concat([view.Target, null, null]).ToArray());
        rows.Add(new object?[] { "Difference", null, null }.Concat(view.Quarters.Select(_ => (object?)null)).Concat([total - view.Target, null, null]).ToArray());
        return new Dashboards.ExportTable("teams", headers, rows);
    }
}
