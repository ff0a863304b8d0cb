using Microsoft.AspNetCore.WebUtilities;
using Terrain.Domain.Planning;

namespace Terrain.Features.Plans;

/// <summary>
/// How the segmentation worksheet is sorted and filtered. plan.js does it in the browser as the rep picks; without
/// JavaScript the same choices travel in the address (<c>?sort=potential&amp;show=none</c>) and the page is rendered so.
/// Filtered-out rows are still in the form (hidden), so that saving never drops them.
/// </summary>
public sealed record SheetView(string Sort, string Show, string Segment, string Text)
{
    public static readonly IReadOnlyList<(string Value, string Label)> Sorts =
    [
        ("name", "Account name"), ("potential", "Potential, largest first"), ("current", "Current revenue, largest first"),
        ("tier", "Tier, A first"), ("segment", "Segment"),
    ];

    public static SheetView FromQuery(IQueryCollection query) => Of(query["sort"], query["show"], query["segment"], query["q"]);

    public static SheetView FromForm(IFormCollection form) => Of(form["sort"], form["show"], form["segment"], form["q"]);

    private static SheetView Of(string? sort, string? show, string? segment, string? text) => new(
        Sorts.Any(s => s.Value == sort) ? sort! : "name",
        show is "none" or "target" || SegmentRow.Tiers.Contains(show ?? "") ? show! : "",
        (segment ?? "").Trim(),
        (text ?? "").Trim());

    /// <summary>The address's query for this view ("" for the default one).</summary>
    public string Query
    {
        get
        {
            var query = new Dictionary<string, string?>();
            void Add(string key, string value, string none)
            {
                if (value != none)
                {
                    query[key] = value;
                }
            }

            Add("sort", Sort, "name");
            Add("show", Show, "");
            Add("segment", Segment, "");
            Add("q", Text, "");
            return query.Count == 0 ? "" : QueryHelpers.AddQueryString("", query);
        }
    }

    /// <summary>The row indices in the order shown.</summary>
    public IReadOnlyList<int> Order(IReadOnlyList<SheetRow> rows)
    {
        var indices = Enumerable.Range(0, rows.Count);
        return (Sort switch
        {
            "potential" => indices.OrderByDescending(i => rows[i].Potential ?? -1),
            "current" => indices.OrderByDescending(i => rows[i].Current ?? -1),
            "tier" => indices.OrderBy(i => rows[i].Tier ?? "Z"),
            "segment" => indices.OrderBy(i => rows[i].Segment, StringComparer.OrdinalIgnoreCase),
            _ => indices.OrderBy(i => 0),
        }).ThenBy(i => rows[i].Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public bool Shows(SheetRow row) =>
        (Show.Length == 0 || (Show == "none" ? row.Tier is null : Show == "target" ? row.Target : row.Tier == Show)) &&
        (Segment.Length == 0 || string.Equals(row.Segment, Segment, StringComparison.OrdinalIgnoreCase)) &&
        (Text.Length == 0 || row.Words.Contains(Text, StringComparison.OrdinalIgnoreCase));
}

/// <summary>What sorting and filtering read of a worksheet row.</summary>
public sealed record SheetRow(string Name, string Segment, string? Tier, decimal? Potential, decimal? Current, bool Target, string Words);
