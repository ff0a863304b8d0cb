using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Features.Imports;

/// <summary>Imports accounts matched on external id. All or nothing unless a partial import is asked for.</summary>
public sealed class AccountImporter(AppDbContext db, TimeProvider clock, ILogger<AccountImporter> logger, ImportLease? lease = null)
{
    /// <summary>
    /// The largest potential numeric(18,2) holds on PostgreSQL. SQLite stores a double, which beyond decimal's range
    /// could not be read back at all; this bound keeps both databases readable.
    /// </summary>

    public static readonly CsvColumn ExternalId = new("external_id", true, "id", "account_id");
    public static readonly CsvColumn Name = new("name", true, "account_name");
    public static readonly CsvColumn Industry = new("industry", false);
    public static readonly CsvColumn Segment = new("segment", false);
    public static readonly CsvColumn Region = new("region", false);
    public static readonly CsvColumn PostalCode = new("postal_code", false, "zip", "zip_code", "postcode");
    public static readonly CsvColumn Latitude = new("latitude", false, "lat");
    public static readonly CsvColumn Longitude = new("longitude", false, "lng", "lon", "long");
    public static readonly CsvColumn Potential = new("potential", true, "annual_potential");
    public static readonly CsvColumn OwnerEmail = new("owner_email", false, "owner");

    public static readonly IReadOnlyList<CsvColumn> Columns =
        [ExternalId, Name, Industry, Segment, Region, PostalCode, Latitude, Longitude, Potential, OwnerEmail];

    public async Task<ImportReport> ImportAsync(Stream csv, bool partial, Guid? actorId,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var (rows, issues, failed) = ImportFile.Read(ImportKind.Accounts, csv, Columns, partial, progress);
        if (failed is not null)
        {
            return failed;
        }

        // Checked against the database afresh when a transient failure runs it again, so the report says what was saved.
        return await UnitOfWork.RunAsync(db, token => ApplyAsync(rows, [.. issues], partial, actorId, progress, token), ct);
    }

    private async Task<ImportReport> ApplyAsync(List<CsvRow> rows, List<ImportIssue> issues, bool partial, Guid? actorId,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var users = await db.Users.ToDictionaryAsync(u => u.Id, ct);
        var owners = users.Values.Where(u => u.IsActive).ToDictionary(u => u.Email!, StringComparer.OrdinalIgnoreCase);
        var existing = await db.Accounts.ToDictionaryAsync(a => a.ExternalId, StringComparer.Ordinal, ct);
        // Each rep's territory (ADR 0039): an account given an owner joins the owner's territory, one made for a rep who has none.
        var territories = (await db.Territories.ToListAsync(ct)).Where(t => t.RepId is not null).ToDictionary(t => t.RepId!.Value);
        var touched = new List<Account>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        int created = 0, updated = 0, unchanged = 0;

        for (var i = 0; i < rows.Count; i++)
        {
            if (i % 5000 == 0)
            {
                progress?.Report(new ImportProgress("Checking", i, rows.Count));
            }

            var row = rows[i];
            var issue = Apply(row);
            if (issue is not null)
            {
                issues.Add(issue);
            }
        }

        progress?.Report(new ImportProgress("Checking", rows.Count, rows.Count));
        var rejected = issues.OrderBy(i => i.Line).ToList();
        if (rejected.Count > 0 && !partial)
        {
            return ImportReport.Failed(ImportKind.Accounts, rows.Count, rejected, partial);
        }

        // Accounts the file leaves with no owner go where the assignment rules say, in the same transaction.
        var placed = await Territory.AssignmentRules.PlaceImportedAsync(db, touched, actorId, now, ct);
        if (placed > 0)
        {
            logger.LogInformation("The assignment rules placed {Count} imported account(s) that had no owner.", placed);
        }

        // The save is one transaction with no progress of its own: an unknown total shows as a busy bar.
        progress?.Report(new ImportProgress("Saving", 0, 0));
        var report = new ImportReport(ImportKind.Accounts, rows.Count, created, updated, unchanged, rejected, partial, Applied: true);
        report = await ImportFile.SaveAsync(db, report, actorId, now, logger, lease, ct);
        if (!report.Applied)
        {
            return report;
        }

        progress?.Report(new ImportProgress("Saving", created + updated, created + updated));
        return report;

        ImportIssue? Apply(CsvRow row)
        {
            var externalId = row.Get(ExternalId);
            if (externalId.Length > 0 && seen.TryGetValue(externalId, out var firstLine))
            {
                return new ImportIssue(row.Line, ExternalId.Name, $"The external id '{externalId}' already appears on line {firstLine}.");
            }

            if (!TryParseDecimal(row.Get(Potential), out var potential))
            {
                // Digits that decimal cannot hold are a number all the same, only far too large (or too negative).
                return new ImportIssue(row.Line, Potential.Name, BeyondDecimal(row.Get(Potential)) switch
                {
                    < 0 => "The annual potential cannot be negative.",
                    > 0 => PotentialTooLarge(row.Get(Potential)),
                    _ => $"'{row.Get(Potential)}' is not a number. Use digits with a dot for decimals, e.g. 125000.50.",
                });
            }

            // Stored rounded to cents, so a value that rounds up past the maximum is too large as well.
            if (decimal.Round(potential, 2) > Money.Max)
            {
                return new ImportIssue(row.Line, Potential.Name, PotentialTooLarge(row.Get(Potential)));
            }

            if (!TryParseOptionalDouble(row.Get(Latitude), out var latitude))
            {
                return new ImportIssue(row.Line, Latitude.Name, $"'{row.Get(Latitude)}' is not a number.");
            }

            if (!TryParseOptionalDouble(row.Get(Longitude), out var longitude))
            {
                return new ImportIssue(row.Line, Longitude.Name, $"'{row.Get(Longitude)}' is not a number.");
            }

            existing.TryGetValue(externalId, out var current);
            AppUser? owner;
            var ownerEmail = row.Get(OwnerEmail);
            if (!row.Has(OwnerEmail) && current is not null)
            {
                owner = current.OwnerId is { } id ? users[id] : null;
            }
            else if (ownerEmail.Length == 0)
            {
                owner = null;
            }
            else if (!owners.TryGetValue(ownerEmail, out owner))
            {
                return new ImportIssue(row.Line, OwnerEmail.Name, $"No active user has the email '{ownerEmail}'. Import the users first.");
            }

            // Columns the file leaves out keep the account's current values.
            string Text(CsvColumn column, Func<Account, string> currentValue) =>
                current is not null && !row.Has(column) ? currentValue(current) : row.Get(column);

            var details = new AccountDetails(
                Text(Name, a => a.Name),
                Text(Industry, a => a.Industry),
                Text(Segment, a => a.Segment),
                Text(Region, a => a.Region),
                Text(PostalCode, a => a.PostalCode),
                current is not null && !row.Has(Latitude) ? current.Latitude : latitude,
                current is not null && !row.Has(Longitude) ? current.Longitude : longitude,
                potential);
            try
            {
                // Without an owner column, an existing account stays where it is; otherwise it joins its owner's territory.
                var keepPlace = !row.Has(OwnerEmail) && current is not null;
                if (!keepPlace && owner is not null)
                {
                    Domain.Territories.Territory.EnsureCanCover(owner, "ownerEmail");
                }

                if (existing.TryGetValue(externalId, out var account))
                {
                    var changed = account.UpdateDetails(details, Territory.ZipCentroids.Locate);
                    if (!keepPlace)
                    {
                        changed |= account.PlaceIn(owner is null ? null : TerritoryOf(owner));
                    }

                    if (changed)
                    {
                        updated++;
                    }
                    else
                    {
                        unchanged++;
                    }
                }
                else
                {
                    account = Account.Create(externalId, details, null, now, Territory.ZipCentroids.Locate);
                    if (owner is not null)
                    {
                        account.PlaceIn(TerritoryOf(owner));
                    }

                    db.Accounts.Add(account);
                    existing[externalId] = account;
                    created++;
                }

                touched.Add(account);
            }
            catch (DomainException e)
            {
                return new ImportIssue(row.Line, ColumnFor(e.Field), e.Message);
            }

            seen[externalId] = row.Line;
            return null;
        }

        Domain.Territories.Territory TerritoryOf(AppUser rep)
        {
            if (!territories.TryGetValue(rep.Id, out var territory))
            {
                territory = Domain.Territories.Territory.Create(Domain.Territories.Territory.DefaultName(rep), rep, null, now);
                db.Territories.Add(territory);
                territories[rep.Id] = territory;
            }

            return territory;
        }
    }

    private const NumberStyles DecimalStyles =
        NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    internal static bool TryParseDecimal(string text, out decimal value) =>
        decimal.TryParse(text, DecimalStyles, CultureInfo.InvariantCulture, out value);

    /// <summary>The sign of a well-formed number too large for decimal (beyond about 7.9e28), or 0 for anything else.</summary>
    private static int BeyondDecimal(string text) =>
        double.TryParse(text, DecimalStyles, CultureInfo.InvariantCulture, out var value) && Math.Abs(value) >= (double)decimal.MaxValue
            ? Math.Sign(value)
            : 0;

    private static string PotentialTooLarge(string text) =>
        $"The potential '{text}' is too large. The largest potential is {Money.Max.ToString("N2", CultureInfo.InvariantCulture)}.";

    internal static bool TryParseOptionalDouble(string text, out double? value)
    {
        value = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    internal static string? ColumnFor(string? domainField) => domainField switch
    {
        null => null,
        "externalId" => ExternalId.Name,
        "postalCode" => PostalCode.Name,
        "ownerEmail" => OwnerEmail.Name,
        "managerEmail" => "manager_email",
        "displayName" => "display_name",
        _ => domainField,
    };
}
