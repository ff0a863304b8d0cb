using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Features.Imports;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Quotas;

/// <summary>
/// The result of a quota import: applied (every row) or not (no row), with each rejected row named by line and column,
/// or the rows someone else changed since the file's version was read.
/// </summary>
public sealed record QuotaImportReport(bool Applied, int RowsRead, int Changed, IReadOnlyList<ImportIssue> Rejected, IReadOnlyList<QuotaConflict> Conflicts);

/// <summary>
/// Quotas as CSV: <c>email, name, manager, q1..q4, version</c> out; <c>email, q1..q4</c> and an optional
/// <c>version</c> in (name and manager are read past). An import goes through <see cref="SaveQuotas"/> like a grid
/// save: every row or none, audited, and conflict-checked for the rows that carry a version. Seat dates are not in the
/// file and stay as they are.
/// </summary>
public sealed class QuotaCsv(QuotaGrid grid, SaveQuotas saver, AppDbContext db, AccessPolicy access)
{
    public const long MaxFileBytes = 5L * 1024 * 1024;

    public async Task<string?> ExportAsync(Guid cycleId, Guid? team, CancellationToken ct)
    {
        if (await grid.GetAsync(cycleId, team, ct) is not { } view)
        {
            return null;
        }

        var csv = new StringBuilder();
        csv.Append("email,name,manager,").Append(string.Join(',', view.Quarters.Select((_, i) => $"q{i + 1}"))).Append(",version\n");
        foreach (var row in view.Rows)
        {
            csv.Append(Cell(row.Email ?? "")).Append(',').Append(Cell(row.IsTeam ? $"Team of {row.RepName}" : row.RepName)).Append(',')
                .Append(Cell(row.ManagerName ?? "")).Append(',')
                .Append(string.Join(',', row.Quarters.Select(q => q?.ToString("0.##", CultureInfo.InvariantCulture) ?? "")))
                .Append(',').Append(row.Version.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return csv.ToString();
    }

    public async Task<QuotaImportReport?> ImportAsync(Guid cycleId, Stream file, string? reason, CancellationToken ct)
    {
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null)
        {
            return null;
        }

        var count = cycle.Quarters.Count;
        var email = new CsvColumn("email", true, "rep email", "e-mail");
        var quarters = Enumerable.Range(1, count).Select(n => new CsvColumn($"q{n}", true, $"quarter {n}")).ToList();
        var version = new CsvColumn("version", false);
        List<CsvColumn> columns = [email, .. quarters, version, new CsvColumn("name", false, "rep"), new CsvColumn("manager", false, "team")];
        var (rows, issues) = CsvTable.Read(file, columns);
        if (issues.Count > 0)
        {
            return new QuotaImportReport(false, rows.Count, 0, issues, []);
        }

        if (rows.Count == 0)
        {
            return new QuotaImportReport(false, 0, 0, [new ImportIssue(2, null, "The file has a header but no rows.")], []);
        }

        var emails = rows.Select(r => r.Get(email).ToUpperInvariant()).Distinct().ToList();
        var people = await access.VisibleUsers().AsNoTracking().Where(u => u.NormalizedEmail != null && emails.Contains(u.NormalizedEmail))
            .ToDictionaryAsync(u => u.NormalizedEmail!, ct);
        var ids = people.Values.Select(u => u.Id).ToList();
        var seats = await db.RepSeats.AsNoTracking().Where(s => s.CycleId == cycleId && ids.Contains(s.RepId)).ToDictionaryAsync(s => s.RepId, ct);
        var batch = new List<QuotaBatchRow>();
        var lines = new List<int>();
        var seen = new Dictionary<Guid, int>();
        foreach (var row in rows)
        {
            var address = row.Get(email);
            if (!people.TryGetValue(address.ToUpperInvariant(), out var person))
            {
                issues.Add(new ImportIssue(row.Line, email.Name, address.Length == 0 ? "The email is empty." : $"No one you may see has the email '{address}'."));
                continue;
            }

            if (!access.May(Act.SetQuota, new About(person.Id, person.ManagerId)))
            {
                issues.Add(new ImportIssue(row.Line, email.Name, $"You may not set the quota of {person.DisplayName}."));
                continue;
            }

            if (seen.TryGetValue(person.Id, out var first))
            {
                issues.Add(new ImportIssue(row.Line, email.Name, $"{person.DisplayName} is already on line {first}; give each rep once."));
                continue;
            }

            seen[person.Id] = row.Line;
            var amounts = new decimal?[4];
            for (var n = 1; n <= count; n++)
            {
                var text = row.Get(quarters[n - 1]);
                if (text.Length == 0)
                {
                    issues.Add(new ImportIssue(row.Line, $"q{n}", $"{person.DisplayName}, Q{n}: no quota given; use 0 for a quarter without one."));
                }
                else if (ParseAmount(text) is { } amount)
                {
                    amounts[n - 1] = amount;
                }
                else
                {
                    issues.Add(new ImportIssue(row.Line, $"q{n}", $"{person.DisplayName}, Q{n}: '{text}' is not an amount."));
                }
            }

            int? read = null;
            if (row.Get(version) is { Length: > 0 } v)
            {
                if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    read = parsed;
                }
                else
                {
                    issues.Add(new ImportIssue(row.Line, version.Name, $"{person.DisplayName}: '{v}' is not a version (a whole number, as exported)."));
                }
            }

            var seat = seats.GetValueOrDefault(person.Id);
            batch.Add(new QuotaBatchRow(person.Id, read, amounts[0], amounts[1], amounts[2], amounts[3], seat?.From, seat?.To));
            lines.Add(row.Line);
        }

        if (issues.Count > 0)
        {
            return new QuotaImportReport(false, rows.Count, 0, issues, []);
        }

        var outcome = await saver.SaveAsync(cycleId, new QuotaBatch(batch, reason), QuotaSource.Csv, ct, versionRequired: false);
        return outcome switch
        {
            QuotaSaveOutcome.Saved saved => new QuotaImportReport(true, rows.Count, saved.Changed, [], []),
            QuotaSaveOutcome.Invalid invalid => new QuotaImportReport(false, rows.Count, 0, invalid.Errors.SelectMany(e => e.Value.Select(m => Issue(e.Key, m, lines))).OrderBy(i => i.Line).ToList(), []),
            QuotaSaveOutcome.Stale stale => new QuotaImportReport(false, rows.Count, 0,
                stale.Conflicts.Select(c => new ImportIssue(lines[c.Row], version.Name, c.Message)).ToList(), stale.Conflicts),
            _ => null,
        };
    }

    /// <summary>
    /// An amount as people type it: plain (1200000.50) or formatted for display ($1,200,000.50, 1 200 000); null when it
    /// is not one. Commas and spaces are read as thousands separators, the point as the decimal separator.
    /// </summary>
    public static decimal? ParseAmount(string? text) => Money.Parse(text);

    private static ImportIssue Issue(string field, string message, IReadOnlyList<int> lines)
    {
        // rows[3].q2 is the file's fifth line (the header is line 1), column q2.
        if (field.StartsWith("rows[", StringComparison.Ordinal) && field.IndexOf(']', StringComparison.Ordinal) is var end and > 5 &&
            int.TryParse(field[5..end], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < lines.Count)
        {
            var column = field[(end + 1)..].TrimStart('.');
            return new ImportIssue(lines[index], column == "repId" ? "email" : column, message);
        }

        return new ImportIssue(1, null, message);
    }

    private static string Cell(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 || value.StartsWith('=') || value.StartsWith('+') || value.StartsWith('-') || value.StartsWith('@')
            ? "\"" + (value.StartsWith('=') || value.StartsWith('+') || value.StartsWith('-') || value.StartsWith('@') ? "'" : "") + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
}
