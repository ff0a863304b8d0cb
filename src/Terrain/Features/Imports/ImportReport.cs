using Terrain.Domain;

namespace Terrain.Features.Imports;

/// <summary>A row that was not imported: its line in the file (1 is the header), the column at fault and why.</summary>
public sealed record ImportIssue(int Line, string? Column, string Reason);

public sealed record ImportReport(
    ImportKind Kind,
    int RowsRead,
    int Created,
    int Updated,
    int Unchanged,
    IReadOnlyList<ImportIssue> Rejected,
    bool Partial,
    bool Applied)
{
    /// <summary>Opportunities only: deals a full extract no longer has, marked deleted.</summary>
    public int Deleted { get; init; }

    /// <summary>Opportunities, activities and bookings: the layout recognised from the header (Terrain, Salesforce, HubSpot).</summary>
    public string? Layout { get; init; }

    /// <summary>Opportunities, activities and bookings: the file's columns the layout does not use.</summary>
    public IReadOnlyList<string> IgnoredColumns { get; init; } = [];

    /// <summary>Opportunities, activities and bookings: distinct account names matching no account by external id or exact name.</summary>
    public int UnmatchedAccounts { get; init; }

    public bool Succeeded => Applied && (Rejected.Count == 0 || Partial);

    public static ImportReport Failed(ImportKind kind, int rowsRead, IReadOnlyList<ImportIssue> issues, bool partial) =>
        new(kind, rowsRead, 0, 0, 0, issues, partial, Applied: false);
}

public sealed record ImportProgress(string Phase, int Done, int Total);
