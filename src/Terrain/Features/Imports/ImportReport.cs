namespace Terrain.Features.Imports;

public enum ImportKind
{
    Users,
    Accounts,
}

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
    public bool Succeeded => Applied && (Rejected.Count == 0 || Partial);

    public static ImportReport Failed(ImportKind kind, int rowsRead, IReadOnlyList<ImportIssue> issues, bool partial) =>
        new(kind, rowsRead, 0, 0, 0, issues, partial, Applied: false);
}

public sealed record ImportProgress(string Phase, int Done, int Total);
