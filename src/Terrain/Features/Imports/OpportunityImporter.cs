using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using nietras.SeparatedValues;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;

namespace Terrain.Features.Imports;

/// <summary>
/// Imports opportunities from a CRM export (Terrain, Salesforce or HubSpot layout, recognised from the header), keyed by
/// external id and line id. The file is streamed: only the checked facts of each row are kept for the save, never its
/// text. Every change is written as an <see cref="OpportunityChange"/> (ADR 0018); an unchanged deal writes none.
/// All or nothing unless a partial import is asked for.
/// </summary>
public sealed class OpportunityImporter(AppDbContext db, TimeProvider clock, IOptions<TerrainOptions> options, ILogger<OpportunityImporter> logger)
{
    /// <summary>A close date further ahead than this is a typo (2062 for 2026), not a deal.</summary>
    public const int MaxYearsAhead = 5;

    private const int MaxRows = CsvTable.MaxRows;

    private sealed record Pending(int Line, DealFacts Facts, bool CreatedKnown);

    private sealed record Lookups(
        Dictionary<string, Guid> UsersByEmail,
        Dictionary<string, Guid?> UsersByName,
        Dictionary<string, Guid> AccountsByExternalId,
        Dictionary<string, Guid?> AccountsByName,
        Dictionary<string, string> Offerings,
        Dictionary<string, List<ExchangeRate>> Rates);

    private sealed class FileRead
    {
        public List<Pending> Rows { get; } = [];

        public List<ImportIssue> Issues { get; } = [];

        /// <summary>External ids of rejected rows: a full extract must not mark those deals deleted.</summary>
        public HashSet<string> RejectedIds { get; } = new(StringComparer.Ordinal);

        public HashSet<string> UnmatchedAccounts { get; } = new(StringComparer.Ordinal);

        public int RowsRead { get; set; }

        public DealLayout? Layout { get; set; }

        public IReadOnlyList<string> Ignored { get; set; } = [];

        public bool Unreadable { get; set; }

        public Dictionary<DealField, string> Columns { get; set; } = [];
    }

    public async Task<ImportReport> ImportAsync(Stream csv, bool partial, bool full, Guid? actorId,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        progress?.Report(new ImportProgress("Reading", 0, 0));
        var company = options.Value.Currency.Trim().ToUpperInvariant();
        var lookups = await LoadLookupsAsync(ct);
        var read = Read(csv, lookups, company, progress);
        if (!read.Unreadable && read.RowsRead == 0 && read.Issues.Count == 0)
        {
            read.Issues.Add(new ImportIssue(1, null, "The file has a header but no rows."));
            read.Unreadable = true;
        }

        var rejected = read.Issues.OrderBy(i => i.Line).ToList();
        if (read.Unreadable || (rejected.Count > 0 && !partial))
        {
            return Describe(ImportReport.Failed(ImportKind.Opportunities, read.RowsRead, rejected, partial), read);
        }

        // Checked against the database afresh when a transient failure runs it again, so the report says what was saved.
        return await UnitOfWork.RunAsync(db, token => ApplyAsync(read, rejected, partial, full, actorId, progress, token), ct, inTransaction: true);
    }

    private static ImportReport Describe(ImportReport report, FileRead read) => report with
    {
        Layout = read.Layout?.Name,
        IgnoredColumns = read.Ignored,
        UnmatchedAccounts = read.UnmatchedAccounts.Count,
    };

    private async Task<Lookups> LoadLookupsAsync(CancellationToken ct)
    {
        var users = await db.Users.AsNoTracking().Select(u => new { u.Id, u.Email, u.DisplayName }).ToListAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().Select(a => new { a.Id, a.ExternalId, a.Name }).ToListAsync(ct);
        var rates = await db.ExchangeRates.AsNoTracking().ToListAsync(ct);

        // Products are the offerings of the strategy that the open cycle executes, when there is one.
        var strategyId = await db.Cycles.AsNoTracking().Where(c => c.Status == CycleStatus.Open && c.StrategyId != null)
            .OrderByDescending(c => c.CreatedAt).Select(c => c.StrategyId).FirstOrDefaultAsync(ct);
        var offerings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (strategyId is not null && await db.Strategies.AsNoTracking().SingleOrDefaultAsync(s => s.Id == strategyId, ct) is { } strategy)
        {
            foreach (var (id, name) in strategy.ReadContent().OfferingNames())
            {
                offerings.TryAdd(name.Trim(), id);
            }
        }

        return new Lookups(
            users.Where(u => u.Email is not null).ToDictionary(u => u.Email!, u => u.Id, StringComparer.OrdinalIgnoreCase),
            Unique(users.Select(u => (u.DisplayName, u.Id))),
            accounts.ToDictionary(a => a.ExternalId, a => a.Id, StringComparer.Ordinal),
            Unique(accounts.Select(a => (a.Name, a.Id))),
            offerings,
            rates.GroupBy(r => r.Currency).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal));
    }

    /// <summary>Names to ids; a name two records share maps to null, which matches neither.</summary>
    private static Dictionary<string, Guid?> Unique(IEnumerable<(string Name, Guid Id)> rows)
    {
        var byName = new Dictionary<string, Guid?>(StringComparer.Ordinal);
        foreach (var (name, id) in rows)
        {
            byName[name] = byName.ContainsKey(name) ? null : id;
        }

        return byName;
    }

    private FileRead Read(Stream stream, Lookups lookups, string company, IProgress<ImportProgress>? progress)
    {
        var read = new FileRead();
        try
        {
            ReadRows(new Utf8CheckingStream(stream), lookups, company, read, progress);
        }
        catch (NotUtf8Exception e)
        {
            // Sep reads ahead, so some rows may have been read already; none of them can be trusted.
            read.Rows.Clear();
            read.Issues.Clear();
            read.Issues.Add(new ImportIssue(e.Line, null, CsvTable.NotUtf8Reason(e.Line)));
            read.Unreadable = true;
        }

        return read;
    }

    private void ReadRows(Stream stream, Lookups lookups, string company, FileRead read, IProgress<ImportProgress>? progress)
    {
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture })
                .From(stream);
        }
        catch (NotSupportedException)
        {
            Fail(read, 1, CsvTable.RowTooLongReason);
            return;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException)
        {
            Fail(read, 1, $"The file is not readable CSV: {e.Message}");
            return;
        }

        using (reader)
        {
            if (reader.Header.IsEmpty)
            {
                Fail(read, 1, "The file is empty. The first line must be the header of a Terrain, Salesforce or HubSpot opportunities export.");
                return;
            }

            var header = reader.Header.ColNames.ToList();
            var layout = DealLayout.Detect(header);
            if (layout is null)
            {
                Fail(read, 1, Unrecognised(header));
                return;
            }

            var deals = new DealReader(layout, header);
            read.Layout = layout;
            read.Ignored = deals.Ignored;
            var columns = Columns(layout, header);
            read.Columns = columns;
            var idIndex = header.FindIndex(h => DealLayout.Normalize(h) == DealLayout.Normalize(layout.Columns[DealField.ExternalId]));
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var firstLine = new Dictionary<(string, string), int>();
            var cells = new string[header.Count];
            var next = 2;
            try
            {
                foreach (var row in reader)
                {
                    var line = row.LineNumberFrom;
                    next = row.LineNumberToExcl;
                    if (row.ColCount == 1 && row[0].Span.Trim().IsEmpty)
                    {
                        continue;
                    }

                    read.RowsRead++;
                    if (read.RowsRead > MaxRows)
                    {
                        Fail(read, line, $"The file has more than {MaxRows:N0} rows. Split it into smaller files.");
                        return;
                    }

                    if (read.RowsRead % 5000 == 0)
                    {
                        progress?.Report(new ImportProgress("Reading", read.RowsRead, 0));
                    }

                    if (row.ColCount != header.Count)
                    {
                        read.Issues.Add(new ImportIssue(line, null,
                            $"The row has {row.ColCount} fields but the header has {header.Count}. Check for a missing or extra comma, or an unclosed quote."));
                        if (row.ColCount > idIndex)
                        {
                            read.RejectedIds.Add(row[idIndex].ToString().Trim());
                        }

                        continue;
                    }

                    for (var i = 0; i < cells.Length; i++)
                    {
                        cells[i] = row[i].ToString();
                    }

                    var issue = Check(line, cells, header, deals, columns, lookups, company, today, firstLine, read);
                    if (issue is not null)
                    {
                        read.Issues.Add(issue);
                        read.RejectedIds.Add(cells[idIndex].Trim());
                    }
                }
            }
            catch (NotSupportedException)
            {
                Fail(read, next, CsvTable.RowTooLongReason);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                Fail(read, next, $"The file is not valid CSV from here on: {e.Message}");
            }
        }
    }

    private static void Fail(FileRead read, int line, string reason)
    {
        read.Rows.Clear();
        read.Issues.Add(new ImportIssue(line, null, reason));
        read.Unreadable = true;
    }

    /// <summary>Names what the closest layout lacks, and the likely cause when the header is one field.</summary>
    private static string Unrecognised(List<string> header)
    {
        var closest = DealLayout.BuiltIn.Select(l => (Layout: l, Missing: l.Missing(header))).MinBy(l => l.Missing.Count);
        var missing = string.Join(", ", closest.Missing.Select(f => $"'{closest.Layout.Columns[f]}'"));
        var reason = $"The header matches no known opportunities layout (Terrain, Salesforce, HubSpot). "
            + $"The closest, {closest.Layout.Name}, lacks the required column(s) {missing}.";
        if (header.Count == 1 && header[0].IndexOfAny([';', '\t', '|']) >= 0)
        {
            reason += " The header is a single field holding semicolons or tabs: save the file with commas between fields (CSV UTF-8, comma delimited).";
        }

        return reason;
    }

    /// <summary>The file's own heading of each field the layout reads, for naming the column at fault.</summary>
    private static Dictionary<DealField, string> Columns(DealLayout layout, List<string> header)
    {
        var columns = new Dictionary<DealField, string>();
        foreach (var (field, name) in layout.Columns)
        {
            var found = header.FirstOrDefault(h => DealLayout.Normalize(h) == DealLayout.Normalize(name));
            columns[field] = (found ?? name).Trim().TrimStart('\uFEFF');
        }

        return columns;
    }

    private static ImportIssue? Check(int line, string[] cells, List<string> header, DealReader deals, Dictionary<DealField, string> columns, Lookups lookups,
        string company, DateOnly today, Dictionary<(string, string), int> firstLine, FileRead read)
    {
        try
        {
            var row = deals.Read(i => cells[i]);
            var key = (row.ExternalId, row.LineId);
            if (firstLine.TryGetValue(key, out var first))
            {
                var which = row.LineId.Length > 0 ? $"'{row.ExternalId}' (line id '{row.LineId}')" : $"'{row.ExternalId}'";
                return new ImportIssue(line, columns[DealField.ExternalId], $"The opportunity {which} appears on both line {first} and line {line}.");
            }

            firstLine[key] = line;
            var owner = lookups.UsersByEmail.TryGetValue(row.Owner, out var byEmail) ? byEmail
                : lookups.UsersByName.TryGetValue(row.Owner, out var byName) ? byName ?? throw new DealRowException(columns[DealField.Owner],
                    $"More than one user is named '{row.Owner}'. Use the owner's email instead.")
                : throw new DealRowException(columns[DealField.Owner],
                    $"No user has the email or display name '{row.Owner}'. Import the users first.");

            Guid? accountId = null;
            if (row.Account.Length > 0)
            {
                accountId = lookups.AccountsByExternalId.TryGetValue(row.Account, out var id) ? id : lookups.AccountsByName.GetValueOrDefault(row.Account);
                if (accountId is null)
                {
                    read.UnmatchedAccounts.Add(row.Account);
                }
            }

            if (row.CloseDate > today.AddYears(MaxYearsAhead))
            {
                throw new DealRowException(columns[DealField.CloseDate],
                    $"The close date {row.CloseDate:yyyy-MM-dd} is more than {MaxYearsAhead} years ahead. Check the year.");
            }

            var currency = row.Currency ?? company;
            var converted = ExchangeRate.Convert(row.Amount, currency, company, row.CloseDate, lookups.Rates.GetValueOrDefault(currency) ?? []);
            if (converted is null)
            {
                var currencyIndex = header.FindIndex(h => DealLayout.Normalize(h) == DealLayout.Normalize(columns[DealField.Currency]));
                throw new DealRowException(currencyIndex >= 0 && cells[currencyIndex].Trim().Length > 0 ? columns[DealField.Currency] : columns[DealField.Amount],
                    $"There is no exchange rate from {currency} to {company} in force on {row.CloseDate:yyyy-MM-dd} (the close date). "
                    + "Add the rate, then import again.");
            }

            var productId = row.Product is { } product && lookups.Offerings.TryGetValue(product, out var offering) ? offering : null;
            // Without a created date, a deal first seen now was created no later than today or its close date.
            var created = row.CreatedDate ?? (row.CloseDate < today ? row.CloseDate : today);
            var facts = new DealFacts(row.ExternalId, row.LineId, row.Name, accountId, row.Account, owner, row.Stage, row.Outcome, row.Forecast,
                converted.Value, currency, row.Amount, row.Probability, row.CloseDate, created, row.Type, productId, row.Product, row.LossReason)
                .Validated();
            read.Rows.Add(new Pending(line, facts, row.CreatedDate is not null));
            return null;
        }
        catch (DealRowException e)
        {
            return new ImportIssue(line, e.Column, e.Message);
        }
        catch (DomainException e)
        {
            return new ImportIssue(line, ColumnOf(e.Field, columns), e.Message);
        }
    }

    private static string? ColumnOf(string? field, Dictionary<DealField, string> columns)
    {
        DealField? dealField = field switch
        {
            "externalId" => DealField.ExternalId,
            "lineId" => DealField.LineId,
            "name" => DealField.Name,
            "account" => DealField.Account,
            "stage" => DealField.Stage,
            "product" => DealField.Product,
            "lossReason" => DealField.LossReason,
            "amount" => DealField.Amount,
            "currency" => DealField.Currency,
            "probability" => DealField.Probability,
            "closeDate" => DealField.CloseDate,
            "createdDate" => DealField.CreatedDate,
            _ => null,
        };
        return dealField is { } f && columns.TryGetValue(f, out var column) ? column : field;
    }

    private async Task<ImportReport> ApplyAsync(FileRead read, List<ImportIssue> rejected, bool partial, bool full, Guid? actorId,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var importId = Guid.CreateVersion7(now);
        progress?.Report(new ImportProgress("Checking", 0, read.Rows.Count));
        var existing = await db.Opportunities.ToDictionaryAsync(o => (o.ExternalId, o.LineId), ct);
        var inFile = new HashSet<(string, string)>();
        var changes = new List<OpportunityChange>();
        int created = 0, updated = 0, unchanged = 0, deleted = 0;
        var issues = new List<ImportIssue>(rejected);
        foreach (var row in read.Rows)
        {
            var key = (row.Facts.ExternalId, row.Facts.LineId);
            inFile.Add(key);
            if (existing.TryGetValue(key, out var deal))
            {
                var facts = row.Facts;
                if (!row.CreatedKnown)
                {
                    // A file without created dates keeps the date the deal was first seen.
                    facts = facts with { CreatedDate = deal.CreatedDate };
                    try
                    {
                        facts.Validated();
                    }
                    catch (DomainException e)
                    {
                        issues.Add(new ImportIssue(row.Line, ColumnOf(e.Field, read.Columns), e.Message));
                        continue;
                    }
                }

                if (deal.Apply(facts, importId, now) is { } change)
                {
                    changes.Add(change);
                    updated++;
                }
                else
                {
                    unchanged++;
                }
            }
            else
            {
                var (fresh, change) = Opportunity.Create(row.Facts, importId, now);
                db.Opportunities.Add(fresh);
                db.OpportunityChanges.Add(change);
                created++;
            }
        }

        if (full)
        {
            // A deal whose row was rejected is still in the CRM: only deals missing from the file are deleted.
            foreach (var (key, deal) in existing)
            {
                if (!inFile.Contains(key) && !read.RejectedIds.Contains(key.ExternalId) && deal.MarkDeleted(importId, now) is { } change)
                {
                    changes.Add(change);
                    deleted++;
                }
            }
        }

        issues = [.. issues.OrderBy(i => i.Line)];
        if (issues.Count > 0 && !partial)
        {
            db.ChangeTracker.Clear();
            return Describe(ImportReport.Failed(ImportKind.Opportunities, read.RowsRead, issues, partial), read);
        }

        await EndPreviousAsync(changes, now, ct);
        db.OpportunityChanges.AddRange(changes);
        progress?.Report(new ImportProgress("Saving", 0, 0));
        var report = Describe(new ImportReport(ImportKind.Opportunities, read.RowsRead, created, updated, unchanged, issues, partial, Applied: true)
        {
            Deleted = deleted,
        }, read);
        report = await ImportFile.SaveAsync(db, report, actorId, now, logger, ct);
        if (report.Applied)
        {
            progress?.Report(new ImportProgress("Saving", 1, 1));
        }
        else
        {
            report = Describe(report, read);
        }

        return report;
    }

    /// <summary>Ends the current change of each deal that changed, loading only those, a chunk at a time.</summary>
    private async Task EndPreviousAsync(List<OpportunityChange> changes, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var chunk in changes.Select(c => c.OpportunityId).Chunk(500))
        {
            var current = await db.OpportunityChanges.Where(c => chunk.Contains(c.OpportunityId) && c.ValidTo == null).ToListAsync(ct);
            foreach (var change in current)
            {
                change.End(at);
            }
        }
    }
}
