using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>
/// The strategy document, part by part, for everyone who may read it; leaders also edit the draft, publish it, and
/// draft the next revision of a published one from here.
/// </summary>
public sealed class StrategyModel(StrategyHandlers handlers, AccessPolicy access, ReadToEnd readToEnd) : PageModel, IReloadsOnRefusal
{
    public StrategyDetail Document { get; private set; } = null!;

    public Guid Id => Document.Id;

    public StrategyContent Parts => Document.Content;

    public bool MayWrite => access.May(Act.WriteStrategy);

    /// <summary>Managers, leaders and admins follow reps' readiness and the alignment of the plans.</summary>
    public bool FollowsReps => access.May(Act.FollowTeam);

    /// <summary>Why publishing (or drafting the next revision) was refused, and the input it names ("" for none).</summary>
    public (string Message, string Field)? ActionError => ModelState
        .Where(e => e.Value is { Errors.Count: > 0 })
        .Select(e => ((string Message, string Field)?)(e.Value!.Errors[0].ErrorMessage, e.Key))
        .FirstOrDefault();

    [TempData]
    public string? Flash { get; set; }

    /// <summary>The published revision of this strategy, when this one is not it.</summary>
    public RevisionRow? Current => Document.IsPublished ? null : Document.Revisions.FirstOrDefault(r => r.Status == nameof(StrategyStatus.Published));

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostPublishAsync(Guid id, string? version, CancellationToken ct)
    {
        if (await handlers.PublishAsync(id, string.IsNullOrEmpty(version) ? null : version, ct) is not { } published)
        {
            return NotFound();
        }

        var said = new List<string> { $"Revision {published.Revision} is published. Every rep and manager has been asked to read and acknowledge it." };
        if (published.Revisions.Any(r => r.Revision == published.Revision - 1 && r.Status == nameof(StrategyStatus.Superseded)))
        {
            said.Add($"Revision {published.Revision - 1} is superseded.");
            if (published.Cycles.Count > 0)
            {
                said.Add($"Cycle {string.Join(", ", published.Cycles.Select(c => c.Name))} now executes this revision.");
            }
        }

        Flash = string.Join(" ", said);
        return Redirect($"/Strategies/{id}");
    }

    /// <summary>
    /// The rep reached the end of the strategy: strategy-read.js posts it when the end comes into view (and is answered
    /// with no content); without JavaScript the button at the end posts it and the page comes back at the buy-in steps.
    /// </summary>
    public async Task<IActionResult> OnPostReadAsync(Guid id, CancellationToken ct)
    {
        if (await readToEnd.RecordAsync(id, ct) is null)
        {
            return NotFound();
        }

        return Request.Headers.ContainsKey("HX-Request") ? new NoContentResult() : Redirect($"/Strategies/{id}#buyin");
    }

    public async Task<IActionResult> OnPostReviseAsync(Guid id, CancellationToken ct)
    {
        if (await handlers.ReviseAsync(id, ct) is not { } draft)
        {
            return NotFound();
        }

        Flash = $"Revision {draft.Revision} is a draft copy of revision {draft.Revision - 1}. Change what needs changing, say what changed, and publish it.";
        return Redirect($"/Strategies/{draft.Id}/Edit");
    }

    /// <summary>The part of the editor a publishing error points at: "Segments[1].Industries" → the segments.</summary>
    public string EditLink(string field)
    {
        var part = field switch
        {
            "" => "",
            _ when field.StartsWith("Offerings", StringComparison.Ordinal) => "#part-sell",
            _ when field.StartsWith("Segments", StringComparison.Ordinal) => "#part-whom",
            _ when field.StartsWith("ValuePropositions", StringComparison.Ordinal) || field.StartsWith("Competitors", StringComparison.Ordinal)
                || field.StartsWith("Differentiators", StringComparison.Ordinal) => "#part-why",
            _ when field.StartsWith("Objectives", StringComparison.Ordinal) => "#part-objectives",
            _ when field.StartsWith("Priorities", StringComparison.Ordinal) => "#part-priorities",
            _ => "#part-basics",
        };
        return $"/Strategies/{Id}/Edit{part}";
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct) =>
        Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) && await LoadAsync(id, ct) ? null : NotFound();

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await handlers.GetAsync(id, ct) is not { } document)
        {
            return false;
        }

        Document = document;
        return true;
    }
}

/// <summary>How the strategy pages write dates, periods, statuses and targets.</summary>
public static class StrategyFormat
{
    public static string Date(DateOnly value) => value.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset value) => value.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Period(DateOnly start, DateOnly end) => $"{Date(start)} – {Date(end)}";

    public static string Status(string status) => status;

    public static string StatusClass(string status) => "status-" + status.ToLowerInvariant();

    public static string Metric(string? metric) => metric is null ? "–" : Goal.MetricLabel(metric);

    public static string Number(decimal? value) => value is { } v ? v.ToString("#,0.##", CultureInfo.InvariantCulture) : "–";

    /// <summary>"1,000,000 revenue", "12 new logos": the target with what it counts.</summary>
    public static string Target(Objective objective) => objective.Metric switch
    {
        "NewLogos" => $"{Number(objective.Target)} new logos",
        "Activity" => $"{Number(objective.Target)} activities",
        "Pipeline" => $"{Number(objective.Target)} pipeline",
        _ => Number(objective.Target),
    };

    /// <summary>Paragraphs split on blank lines, each paragraph's lines kept.</summary>
    public static IReadOnlyList<string[]> Paragraphs(string? text) =>
        (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('\n'))
            .ToList();
}
