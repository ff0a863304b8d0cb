using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>
/// One strategy and its revisions: the revision in force (the published one, or the latest when none is), the draft of
/// the next revision when the reader may see it, and the revisions it superseded.
/// </summary>
public sealed record StrategyLineage(StrategyRow Current, StrategyRow? Draft, IReadOnlyList<StrategyRow> Older)
{
    public bool IsPublished => Current.Status == nameof(StrategyStatus.Published);
}

/// <summary>The strategies: the published revision of each prominently, drafts for leaders, older revisions a click away.</summary>
public sealed class IndexModel(StrategyHandlers handlers, AccessPolicy access) : PageModel
{
    public IReadOnlyList<StrategyLineage> Lineages { get; private set; } = [];

    public bool MayWrite => access.May(Act.WriteStrategy);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var rows = await handlers.ListAsync(null, ct);
        Lineages = rows.GroupBy(r => r.LineageId)
            .Select(g =>
            {
                var revisions = g.OrderByDescending(r => r.Revision).ToList();
                var published = revisions.FirstOrDefault(r => r.Status == nameof(StrategyStatus.Published));
                var draft = revisions.FirstOrDefault(r => r.Status == nameof(StrategyStatus.Draft));
                var current = published ?? draft ?? revisions[0];
                return new StrategyLineage(current, current == draft ? null : draft,
                    revisions.Where(r => r != current && r != draft).ToList());
            })
            .OrderByDescending(l => l.IsPublished)
            .ThenByDescending(l => l.Current.PeriodStart)
            .ThenBy(l => l.Current.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
