using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Features.Imports;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>
/// Random bytes and random CSV shapes (quoting, delimiters, line breaks, header permutations, truncated rows, stray
/// bytes) fed to the opportunities, activities and bookings importers with a fixed seed: no input throws, and a report
/// that says the import was not applied leaves every actuals table exactly as it was.
/// </summary>
public sealed class ImportFuzzTests
{
    private const int CasesPerKind = 100;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string[]> Headers = new()
    {
        ["opportunities"] = ["externalId", "lineId", "name", "account", "owner", "stage", "forecastCategory", "amount", "currency", "probability", "closeDate", "createdDate", "type", "product", "lossReason"],
        ["activities"] = ["externalId", "owner", "type", "date", "account", "held"],
        ["bookings"] = ["externalId", "lineId", "owner", "account", "date", "amount", "currency", "product", "opportunity"],
    };

    private static readonly Dictionary<string, string[]> Values = new()
    {
        ["externalId"] = ["F-1", "F-2", "F-3", "", "F-1 ", "x\"y", "F,4"],
        ["lineId"] = ["", "L1", "L2"],
        ["name"] = ["Deal", "", "Line\nbreak", "Quote \" inside", "Ünïcödé 🚀"],
        ["account"] = ["R1-1", "Alpha Manufacturing", "", "Nobody Inc"],
        ["owner"] = ["rep1@test.terrain", "Rep Two", "ghost@test.terrain", "", "REP1@TEST.TERRAIN"],
        ["stage"] = ["Discovery", "Closed Won", "Closed Lost", "", "Won"],
        ["forecastCategory"] = ["Commit", "Best Case", "Pipeline", "", "Maybe"],
        ["amount"] = ["1000", "1,000.50", "-5", "USD 12,500.00", "$3", "abc", "", "1e9", "99999999999999999999", "0.001"],
        ["currency"] = ["", "USD", "EUR", "XXX", "usd"],
        ["probability"] = ["", "50", "150", "50%", "x"],
        ["closeDate"] = ["2027-01-31", "2026-12-01", "3/4/2026", "2099-01-01", "", "2027-02-30"],
        ["createdDate"] = ["", "2026-01-01", "2028-01-01", "yesterday"],
        ["date"] = ["2026-11-02", "2026-12-24", "", "02.11.2026", "2099-01-01"],
        ["type"] = ["Call", "Meeting", "Expansion", "", "Telepathy"],
        ["product"] = ["", "Terrain Cloud", "Unknown product"],
        ["lossReason"] = ["", "Price"],
        ["held"] = ["", "yes", "no", "Completed", "perhaps"],
        ["opportunity"] = ["", "F-1"],
    };

    [Theory, BothDatabases]
    public async Task Random_files_never_crash_an_importer_and_a_rejected_one_changes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var random = new Random(20261202);
        var before = await SnapshotAsync(app);
        foreach (var kind in Headers.Keys)
        {
            for (var i = 0; i < CasesPerKind; i++)
            {
                var file = random.Next(5) == 0 ? RandomBytes(random) : RandomCsv(random, kind);
                var partial = random.Next(4) == 0;
                var full = random.Next(4) == 0;
                ImportReport report;
                try
                {
                    await using var scope = app.Services.CreateAsyncScope();
                    var services = scope.ServiceProvider;
                    using var stream = new MemoryStream(file);
                    report = kind switch
                    {
                        "opportunities" => await services.GetRequiredService<OpportunityImporter>().ImportAsync(stream, partial, full, app.Org.Admin.Id, null, null, Ct),
                        "activities" => await services.GetRequiredService<ActivityImporter>().ImportAsync(stream, partial, app.Org.Admin.Id, null, null, Ct),
                        _ => await services.GetRequiredService<BookingImporter>().ImportAsync(stream, partial, app.Org.Admin.Id, null, null, Ct),
                    };
                }
                catch (Exception e)
                {
                    Assert.Fail($"{kind} case {i} threw {e.GetType().Name}: {e.Message}\n--- file ---\n{Show(file)}");
                    throw;
                }

                var after = await SnapshotAsync(app);
                if (!report.Applied)
                {
                    Assert.True(before == after, $"{kind} case {i} was rejected but changed the data.\n--- file ---\n{Show(file)}");
                    Assert.True(report.Rejected.Count > 0 && report.Rejected.All(r => r.Line >= 1 && r.Reason.Length > 0),
                        $"{kind} case {i} was rejected without a reason on a line.\n--- file ---\n{Show(file)}");
                }

                before = after;
                app.Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 600)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] RandomCsv(Random random, string kind)
    {
        var all = Headers[kind];
        // A permutation of the columns, sometimes without one, sometimes with an unknown one.
        var columns = all.OrderBy(_ => random.Next()).Take(random.Next(3, all.Length + 1)).ToList();
        if (random.Next(5) == 0)
        {
            columns.Insert(random.Next(columns.Count + 1), "Notes");
        }

        var delimiter = random.Next(8) switch { 0 => ";", 1 => "\t", 2 => "|", _ => "," };
        var lineBreak = random.Next(3) switch { 0 => "\r\n", 1 => "\r", _ => "\n" };
        string Cell(string value)
        {
            return random.Next(6) switch
            {
                0 => $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
                1 => $"\"{value}",
                _ => value,
            };
        }

        var text = new StringBuilder();
        if (random.Next(6) == 0)
        {
            text.Append('\uFEFF');
        }

        text.Append(string.Join(delimiter, columns.Select(c => random.Next(10) == 0 ? c.ToUpperInvariant() : c))).Append(lineBreak);
        var rows = random.Next(0, 6);
        for (var r = 0; r < rows; r++)
        {
            var cells = columns.Select(c => Cell(Values.TryGetValue(c, out var options) ? options[random.Next(options.Length)] : "x")).ToList();
            if (random.Next(6) == 0)
            {
                cells = cells.Take(random.Next(cells.Count)).ToList();
            }

            text.Append(string.Join(delimiter, cells));
            if (r < rows - 1 || random.Next(2) == 0)
            {
                text.Append(lineBreak);
            }
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString()).ToList();
        switch (random.Next(8))
        {
            case 0 when bytes.Count > 0:
                // Cut off anywhere, even inside a character or a quoted field.
                var cut = random.Next(bytes.Count);
                bytes.RemoveRange(cut, bytes.Count - cut);
                break;
            case 1:
                bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(0x80, 0x100));
                break;
            case 2:
                bytes.Insert(random.Next(bytes.Count + 1), 0);
                break;
            default:
                break;
        }

        return [.. bytes];
    }

    private static string Show(byte[] file) =>
        file.Length > 2000 ? Convert.ToHexString(file[..2000]) : Encoding.UTF8.GetString(file).Replace("\r", "\\r", StringComparison.Ordinal);

    /// <summary>Row counts of every table an actuals import writes, and the contents of the actuals themselves.</summary>
    private static Task<string> SnapshotAsync(TestApp app) => app.WithDbAsync(async d =>
    {
        var deals = await d.Opportunities.AsNoTracking().OrderBy(o => o.ExternalId).ThenBy(o => o.LineId)
            .Select(o => new { o.ExternalId, o.LineId, o.Stage, o.Amount, o.CloseDate, o.OwnerId, o.Deleted, o.Forecast }).ToListAsync(Ct);
        var activities = await d.Activities.AsNoTracking().OrderBy(a => a.ExternalId).Select(a => new { a.ExternalId, a.Type, a.Date, a.Held, a.OwnerId }).ToListAsync(Ct);
        var bookings = await d.Bookings.AsNoTracking().OrderBy(b => b.ExternalId).ThenBy(b => b.LineId).Select(b => new { b.ExternalId, b.LineId, b.Amount, b.Date }).ToListAsync(Ct);
        var changes = await d.OpportunityChanges.CountAsync(Ct);
        var audits = await d.AuditEntries.CountAsync(Ct);
        var text = string.Join("|", deals.Select(x => x.ToString())) + "#" + string.Join("|", activities.Select(x => x.ToString()))
            + "#" + string.Join("|", bookings.Select(x => x.ToString()));
        return string.Create(CultureInfo.InvariantCulture, $"{deals.Count}/{activities.Count}/{bookings.Count}/{changes}/{audits}/{text}");
    });
}
