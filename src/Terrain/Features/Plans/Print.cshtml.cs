using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Planning;

namespace Terrain.Features.Plans;

/// <summary>One move in the plan's review, for the printed record: who, when, what, and the comment.</summary>
public sealed record ReviewStep(DateTimeOffset At, string By, string What, int? Version, string? Comment);

/// <summary>The whole plan on paper (or PDF, through the browser's print dialog): its own minimal layout and print.css.</summary>
public sealed class PrintModel(PlanDocuments documents, PlanHandlers plans, PlanVersions versions, AppDbContext db, TimeProvider clock) : PageModel
{
    private static readonly Dictionary<string, string> Moves = new()
    {
        ["plan.submitted"] = "Submitted",
        ["plan.changes-requested"] = "Changes requested",
        ["plan.approved"] = "Approved",
        ["plan.amended"] = "Amendment started",
    };

    public PlanDocument Document { get; private set; } = null!;

    public DateTimeOffset PrintedAt { get; private set; }

    public string? ManagerName { get; private set; }

    public string? ApprovedByName { get; private set; }

    public int Submissions { get; private set; }

    public IReadOnlyList<ReviewStep> Reviews { get; private set; } = [];

    /// <summary>The worksheets: each starts a new page on paper.</summary>
    public static bool IsMajor(SectionKind kind) =>
        kind is SectionKind.AccountSegmentation or SectionKind.Goals or SectionKind.KeyAccountPlans or SectionKind.ActionPlan;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await documents.LoadAsync(id, ct) is not { } document)
        {
            return NotFound();
        }

        Document = document;
        PrintedAt = clock.GetUtcNow();
        Submissions = (await versions.ListAsync(id, ct))?.Count ?? 0;
        var approvedById = await db.Plans.AsNoTracking().Where(p => p.Id == id).Select(p => p.ApprovedById).SingleAsync(ct);
        var history = (await plans.HistoryAsync(id, ct) ?? []).Where(e => Moves.ContainsKey(e.Action)).ToList();
        var people = history.Select(e => e.ById).Append(approvedById).Append(document.OwnerManagerId).OfType<Guid>().Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        ManagerName = document.OwnerManagerId is { } m ? names.GetValueOrDefault(m) : null;
        ApprovedByName = approvedById is { } a ? names.GetValueOrDefault(a) : null;
        Reviews = history.Select(e =>
        {
            var (version, comment) = Details(e.Details);
            return new ReviewStep(e.At, e.ById is { } by ? names.GetValueOrDefault(by, "someone") : "Terrain", Moves[e.Action], version, comment);
        }).ToList();
        return Page();
    }

    /// <summary>A time in the cycle's time zone, which is where the plan's deadlines are.</summary>
    public string Local(DateTimeOffset at, string format = "d MMM yyyy HH:mm")
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Document.Cycle.TimeZone);
        return TimeZoneInfo.ConvertTime(at, zone).ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>The version and the reviewer's comment of a move, from its audit details.</summary>
    internal static (int? Version, string? Comment) Details(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            int? version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
            var comment = root.TryGetProperty("comment", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return (version, comment);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
