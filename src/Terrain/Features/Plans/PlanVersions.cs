using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

public sealed record VersionRow(int Number, int Edition, DateTimeOffset SubmittedAt, Guid SubmittedById, string SubmittedByName);

public sealed record VersionSection(string Key, string Title, SectionKind Kind, SectionContent Content);

public sealed record VersionDetail(VersionRow Version, IReadOnlyList<VersionSection> Sections);

public sealed record SectionComparison(string Key, string Title, bool Changed, IReadOnlyList<DiffLine> Lines);

/// <summary>Two versions side by side. A version is a submission number, or "current" for the plan as it is now.</summary>
public sealed record Comparison(string Left, string Right, string LeftLabel, string RightLabel, IReadOnlyList<SectionComparison> Sections)
{
    public int ChangedSections => Sections.Count(s => s.Changed);
}

/// <summary>The snapshots stored at every submission, and comparisons between any two of them (or the draft).</summary>
public sealed class PlanVersions(AppDbContext db, AccessPolicy access, PlanDocuments documents)
{
    public const string Current = "current";

    public async Task<IReadOnlyList<VersionRow>?> ListAsync(Guid planId, CancellationToken ct)
    {
        if (!await access.VisiblePlans().AnyAsync(p => p.Id == planId, ct))
        {
            return null;
        }

        return await (from s in db.PlanSnapshots.AsNoTracking().Where(s => s.PlanId == planId)
                      join u in db.Users on s.SubmittedById equals u.Id
                      orderby s.Number
                      select new VersionRow(s.Number, s.Edition, s.SubmittedAt, s.SubmittedById, u.DisplayName)).ToListAsync(ct);
    }

    public async Task<VersionDetail?> GetAsync(Guid planId, int number, CancellationToken ct)
    {
        var document = await documents.LoadAsync(planId, ct);
        return document is null ? null : await ReadAsync(document, number, ct);
    }

    /// <summary>Null when the plan or either version does not exist.</summary>
    public async Task<Comparison?> CompareAsync(Guid planId, string left, string right, CancellationToken ct)
    {
        var document = await documents.LoadAsync(planId, ct);
        if (document is null)
        {
            return null;
        }

        var a = await SideAsync(document, left, ct);
        var b = await SideAsync(document, right, ct);
        if (a is null || b is null)
        {
            return null;
        }

        var keys = a.Value.Sections.Select(s => (s.Key, s.Title)).Concat(b.Value.Sections.Select(s => (s.Key, s.Title))).DistinctBy(k => k.Key);
        var sections = keys.Select(k =>
        {
            var before = a.Value.Sections.FirstOrDefault(s => s.Key == k.Key)?.Content.Describe(a.Value.Facts).ToList() ?? [];
            var after = b.Value.Sections.FirstOrDefault(s => s.Key == k.Key)?.Content.Describe(b.Value.Facts).ToList() ?? [];
            var lines = TextDiff.Lines(before, after);
            return new SectionComparison(k.Key, k.Title, lines.Any(l => l.Kind != DiffKind.Same), lines);
        }).ToList();
        return new Comparison(left, right, a.Value.Label, b.Value.Label, sections);
    }

    /// <summary>
    /// Who saved each section between two versions (after the left one was stored, up to the right one), in the order
    /// they first did, from the audit trail: the rep, and a reviewer who refined the plan or whose proposal was accepted.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> EditorsAsync(Guid planId, string left, string right, CancellationToken ct)
    {
        var after = await SubmittedAtAsync(planId, left, ct);
        var until = await SubmittedAtAsync(planId, right, ct);
        if (after is null)
        {
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        var key = planId.ToString();
        var saves = await (from e in db.AuditEntries.AsNoTracking()
                           where e.EntityType == "Plan" && e.EntityId == key && e.Action == "plan.section-saved" && e.ActorId != null
                           join u in db.Users on e.ActorId equals (Guid?)u.Id
                           orderby e.Id
                           select new { e.At, e.Details, u.DisplayName }).ToListAsync(ct);
        return saves.Where(e => e.At > after && (until is null || e.At <= until))
            .Select(e => (Section: SectionOf(e.Details), e.DisplayName))
            .Where(e => e.Section is not null)
            .GroupBy(e => e.Section!)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(e => e.DisplayName).Distinct().ToList());
    }

    /// <summary>When a version was stored; null for the current draft (it runs up to now) or an unknown number.</summary>
    private async Task<DateTimeOffset?> SubmittedAtAsync(Guid planId, string which, CancellationToken ct) =>
        int.TryParse(which, out var number)
            ? await db.PlanSnapshots.AsNoTracking().Where(s => s.PlanId == planId && s.Number == number).Select(s => (DateTimeOffset?)s.SubmittedAt).FirstOrDefaultAsync(ct)
            : null;

    private static string? SectionOf(string? details)
    {
        if (string.IsNullOrEmpty(details))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(details);
            return doc.RootElement.TryGetProperty("section", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<(string Label, IReadOnlyList<VersionSection> Sections, PlanFacts Facts)?> SideAsync(PlanDocument document, string which, CancellationToken ct)
    {
        if (string.Equals(which, Current, StringComparison.OrdinalIgnoreCase))
        {
            return (document.Plan.Status is "Draft" or "ChangesRequested" ? "Current draft" : "Current version", document.Sections.Select(s => new VersionSection(s.Key, s.Title, s.Kind, s.Content)).ToList(), document.Facts);
        }

        if (!int.TryParse(which, out var number) || await ReadAsync(document, number, ct) is not { } version)
        {
            return null;
        }

        var snapshot = await db.PlanSnapshots.AsNoTracking().SingleAsync(s => s.PlanId == document.Plan.Id && s.Number == number, ct);
        var names = JsonSerializer.Deserialize<SnapshotNames>(snapshot.Names, SectionContents.Json)!;
        var facts = document.Facts with { Accounts = names.Accounts, Goals = names.Goals };
        return ($"Submission {number} ({version.Version.SubmittedAt:d MMM yyyy HH:mm} UTC)", version.Sections, facts);
    }

    private async Task<VersionDetail?> ReadAsync(PlanDocument document, int number, CancellationToken ct)
    {
        var row = await (from s in db.PlanSnapshots.AsNoTracking().Where(s => s.PlanId == document.Plan.Id && s.Number == number)
                         join u in db.Users on s.SubmittedById equals u.Id
                         select new { Row = new VersionRow(s.Number, s.Edition, s.SubmittedAt, s.SubmittedById, u.DisplayName), s.Sections })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var sections = JsonSerializer.Deserialize<List<SnapshotSection>>(row.Sections, SectionContents.Json)!
            .Select(s => new VersionSection(s.Key, s.Title, s.Kind, SectionContents.Read(s.Kind, s.Content))).ToList();
        return new VersionDetail(row.Row, sections);
    }
}
