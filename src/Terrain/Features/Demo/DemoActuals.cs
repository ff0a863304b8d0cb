using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Features.Imports;

namespace Terrain.Features.Demo;

/// <summary>What the demo's actuals add up to. Seeding at the same instant always gives the same totals.</summary>
public sealed record DemoActualsTotals(
    int Opportunities,
    int Changes,
    int Imports,
    int Activities,
    int HeldActivities,
    int Won,
    decimal WonAmount,
    int Lost,
    int Open,
    decimal OpenAmount,
    int Deleted,
    int ForeignCurrency,
    int ExchangeRates);

/// <summary>
/// A year of CRM data for the demo, generated (from a fixed seed) to tell each rep's story against last year's plan
/// (<see cref="DemoStory"/>) and written through the domain objects as the CRM sync would have written it: a full
/// opportunities extract every week (one import each, with its own id and time, so that pipeline can be read as of any
/// week), deals created, moved through the stages, pushed, resized, won, lost with a reason, now and then deleted,
/// some in euros or Canadian dollars converted at monthly exchange rates; and the activities each weekly sync brought
/// in. Deals keep coming for the next two quarters, so the open cycle has pipeline too.
/// </summary>
public static class DemoActuals
{
    public const int Seed = 2026;

    private const int Chunk = 5_000;

    private static readonly string[] LossReasons =
    [
        "Lost to Northwind on price",
        "Contoso renewed the incumbent contract",
        "No decision: budget frozen",
        "Project postponed to next year",
        "Chose to build in-house",
        "Went with Contoso's bundled offer",
    ];

    /// <summary>Dollars per unit, to make plausible rates whatever the company's currency.</summary>
    private static readonly Dictionary<string, decimal> DollarValue = new(StringComparer.Ordinal)
    {
        ["USD"] = 1m,
        ["EUR"] = 1.08m,
        ["CAD"] = 0.73m,
        ["GBP"] = 1.27m,
        ["CHF"] = 1.12m,
    };

    private static readonly (string Type, double Weight)[] ActivityTypes =
        [("Call", 0.38), ("Email", 0.20), ("Meeting", 0.24), ("Demo", 0.10), ("Visit", 0.08)];

    /// <summary>
    /// Revenue won against the plan, win rate by value, share of work on the plan's A and B accounts, activities a week,
    /// revenue still to come in quarters that have not started, and the chance that a new-business deal opens a new logo.
    /// </summary>
    private sealed record StoryShape(double Won, double WinRate, double PlanShare, double ActivitiesPerWeek, double Future, double NewLogo);

    private static StoryShape Shape(DemoStory story) => story switch
    {
        DemoStory.Ahead => new(1.22, 0.50, 0.80, 8.3, 1.1, 0.6),
        DemoStory.OnTrack => new(1.05, 0.42, 0.75, 7.8, 1.0, 0.4),
        DemoStory.BehindThinPipeline => new(0.58, 0.45, 0.70, 4.3, 0.5, 0.2),
        DemoStory.BusyOffPlan => new(0.68, 0.30, 0.20, 12.5, 1.0, 0.25),
        _ => throw new ArgumentOutOfRangeException(nameof(story), story, null),
    };

    private sealed record Deal
    {
        public required string ExternalId { get; init; }

        public required string Name { get; init; }

        public required AppUser Owner { get; init; }

        public required Account Account { get; init; }

        public required DealType Type { get; init; }

        public required string ProductId { get; init; }

        public required string Currency { get; init; }

        /// <summary>Won or Lost: what happens on <see cref="Close"/>, when that day has come.</summary>
        public required DealOutcome Destiny { get; init; }

        public required DateOnly Created { get; init; }

        public required DateOnly Close { get; init; }

        /// <summary>The close date the CRM showed from each day on: pushes and pull-ins.</summary>
        public required List<(DateOnly From, DateOnly Close)> CloseDates { get; init; }

        public required decimal Amount { get; init; }

        /// <summary>The first estimate, replaced by <see cref="Amount"/> on <see cref="Resized"/>.</summary>
        public decimal? FirstAmount { get; init; }

        public DateOnly Resized { get; init; }

        public string? LossReason { get; init; }

        /// <summary>A lost deal that was committed first (the forecast was wrong).</summary>
        public bool CommittedThenLost { get; init; }

        /// <summary>Went back from proposal to qualification for a while.</summary>
        public bool MovedBack { get; init; }

        /// <summary>A duplicate deleted in the CRM on this day.</summary>
        public DateOnly? DeletedOn { get; init; }

        public Opportunity? Row { get; set; }

        public OpportunityChange? Current { get; set; }

        public DateOnly CloseOn(DateOnly day) => CloseDates.Last(c => c.From <= day || c == CloseDates[0]).Close;
    }

    /// <summary>
    /// Generates and saves the actuals, a chunk per save. <paramref name="previous"/> is last year's cycle, measured by
    /// <paramref name="reps"/>' plans; deals keep coming in <paramref name="current"/>'s first quarters.
    /// </summary>
    public static async Task<DemoActualsTotals> SeedAsync(AppDbContext db, PlanningCycle previous, PlanningCycle current,
        IReadOnlyList<DemoRepYear> reps, IReadOnlyList<Account> accounts, string companyCurrency, DateTimeOffset now, CancellationToken ct)
    {
        var random = new Random(Seed);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var lastYear = today.AddYears(-1);
        var windowStart = (previous.PeriodStart < lastYear ? previous.PeriodStart : lastYear).AddDays(-28);
        var company = companyCurrency.Trim().ToUpperInvariant();

        // The weekly syncs, oldest first: the latest ran early this morning.
        var syncs = new List<DateTimeOffset>();
        for (var at = now.AddHours(-3); DateOnly.FromDateTime(at.UtcDateTime) >= windowStart; at = at.AddDays(-7))
        {
            syncs.Insert(0, at);
        }

        var currencies = new[] { "EUR", "CAD", "GBP" }.Where(c => c != company).Take(2).ToArray();
        var rates = Rates(currencies, company, windowStart, today, random);
        var deals = new List<Deal>();
        var number = 0;
        var segment = DemoStrategy.IndustrialSegment;
        var quarters = previous.Quarters.Select(q => (Quarter: q, Growth: 1m))
            .Concat(current.Quarters.Where(q => q.Start > previous.PeriodEnd && q.Start <= today.AddDays(150)).Select(q => (Quarter: q, Growth: 1.08m)))
            .ToList();
        var activities = new List<SalesActivity>();
        foreach (var rep in reps)
        {
            var shape = Shape(rep.Story);
            var inSegment = rep.Accounts.Where(a => segment.Matches(a.Industry, a.Segment, a.Region, a.AnnualPotential)).ToList();
            var others = rep.Accounts.Where(a => !inSegment.Contains(a)).ToList();

            // The installed base: most of the plan's accounts and some others bought before this window; the target
            // segment is where the new logos are.
            var customers = others.Where(a => random.NextDouble() < (rep.PlanAccounts.Contains(a.Id) ? 0.8 : 0.4)).ToList();
            if (customers.Count == 0 && others.Count > 0)
            {
                customers.Add(others[0]);
            }

            foreach (var account in customers)
            {
                var close = windowStart.AddDays(-random.Next(20, 330));
                deals.Add(NewDeal(rep, account, DealType.NewBusiness, DemoStrategy.Platform, company, DealOutcome.Won, close.AddDays(-random.Next(60, 120)), close,
                    Round(account.AnnualPotential * Between(random, 0.1, 0.3), 1000, 5_000), random, simple: true));
            }

            foreach (var (quarter, growth) in quarters)
            {
                var index = (quarter.Number - 1) % 4;
                var factor = (decimal)(shape.Won * (quarter.Start > today ? shape.Future : 1)) * Between(random, 0.99, 1.04);
                var newTarget = Target(rep, "rev-new", index) * growth * factor;
                var existingTarget = Target(rep, "rev-existing", index) * growth * factor;
                decimal won = 0, platform = 0, lost = 0;

                // New business in the target segment (counts for the segment goal, and for the platform goal).
                while (inSegment.Count > 0 && won < newTarget)
                {
                    var bought = inSegment.Where(customers.Contains).ToList();
                    var fresh = inSegment.Except(bought).ToList();
                    var pool = fresh.Count > 0 && (bought.Count == 0 || random.NextDouble() < shape.NewLogo) ? fresh : bought;
                    var account = pool[random.Next(pool.Count)];
                    var amount = Fit(Round(account.AnnualPotential * Between(random, 0.12, 0.3), 1000, 20_000), newTarget - won, 20_000, random);
                    var deal = Add(rep, account, customers.Contains(account) ? DealType.Expansion : DealType.NewBusiness, DemoStrategy.Platform, DealOutcome.Won, quarter, amount, newBusiness: true);
                    won += deal.Amount;
                    platform += deal.Amount;
                    if (!customers.Contains(account))
                    {
                        customers.Add(account);
                    }
                }

                // Expansion and renewal of the platform at existing customers, on the plan's accounts or not.
                decimal existing = 0;
                while (customers.Count > 0 && existing < existingTarget - platform)
                {
                    var account = PickCustomer(rep, customers, inSegment, shape.PlanShare, random);
                    var amount = Fit(Round(account.AnnualPotential * Between(random, 0.06, 0.18), 500, 5_000), existingTarget - platform - existing, 5_000, random);
                    var deal = Add(rep, account, random.NextDouble() < 0.6 ? DealType.Expansion : DealType.Renewal, DemoStrategy.Platform, DealOutcome.Won, quarter, amount, newBusiness: false);
                    existing += deal.Amount;
                }

                // Add-ons and services, which no revenue goal counts.
                for (var n = random.Next(1, rep.Story == DemoStory.BusyOffPlan ? 7 : 4); n > 0 && customers.Count > 0; n--)
                {
                    var account = PickCustomer(rep, customers, inSegment, shape.PlanShare, random);
                    Add(rep, account, DealType.Expansion, random.Next(2) == 0 ? "off-analytics" : "off-services", DealOutcome.Won, quarter,
                        Round(account.AnnualPotential * Between(random, 0.02, 0.06), 500, 2_000), newBusiness: false);
                }

                // What was lost on the way: the win rate by value of the story.
                var lostTarget = (won + existing) * (decimal)((1 / shape.WinRate) - 1);
                while (lost < lostTarget && rep.Accounts.Count > 0)
                {
                    var roll = random.NextDouble();
                    var segmentPool = roll < 0.4 && inSegment.Count > 0;
                    var pool = segmentPool ? inSegment : roll < 0.7 || customers.Count == 0 ? rep.Accounts : customers;
                    var account = rep.Story == DemoStory.BusyOffPlan && !segmentPool ? PickCustomer(rep, pool, [], shape.PlanShare, random) : pool[random.Next(pool.Count)];
                    var fresh = !customers.Contains(account);
                    var amount = Round(account.AnnualPotential * Between(random, fresh ? 0.12 : 0.06, fresh ? 0.3 : 0.18), 500, 5_000);
                    lost += Add(rep, account, fresh ? DealType.NewBusiness : DealType.Expansion, DemoStrategy.Platform, DealOutcome.Lost, quarter, amount, newBusiness: fresh).Amount;
                }
            }

            // A duplicate entered by mistake and deleted in the CRM a week or two later.
            if (rep.Accounts.Count > 0)
            {
                var account = rep.Accounts[random.Next(rep.Accounts.Count)];
                var created = today.AddDays(-random.Next(60, 200));
                deals.Add(NewDeal(rep, account, DealType.Expansion, DemoStrategy.Platform, company, DealOutcome.Lost, created, created.AddDays(90),
                    Round(account.AnnualPotential * 0.1m, 500, 5_000), random, simple: true) with
                { DeletedOn = created.AddDays(random.Next(7, 15)) });
            }

            activities.AddRange(Activities(rep, shape, accounts, windowStart, today, syncs, random));
        }

        Deal Add(DemoRepYear rep, Account account, DealType type, string product, DealOutcome destiny, Quarter quarter, decimal amount, bool newBusiness)
        {
            // B2B deals close late in the quarter; never on a weekend.
            var day = quarter.Start.AddDays((int)((quarter.End.DayNumber - quarter.Start.DayNumber) * Math.Sqrt(random.NextDouble())));
            day = day.DayOfWeek switch { DayOfWeek.Saturday => day.AddDays(-1), DayOfWeek.Sunday => day.AddDays(-2), _ => day };
            var cycleDays = newBusiness ? random.Next(60, 150) : random.Next(30, 90);
            var currency = account.Segment == "Enterprise" && random.NextDouble() < 0.2 ? currencies[0]
                : random.NextDouble() < 0.04 ? currencies[1] : company;
            var deal = NewDeal(rep, account, type, product, currency, destiny, day.AddDays(-cycleDays), day, amount, random, simple: false);
            if (currency != company)
            {
                // The CRM holds the amount in the deal's currency; it converts at the rate of its close date.
                var original = Round(amount / (ExchangeRate.Convert(1_000_000m, currency, company, day, rates)!.Value / 1_000_000m), 100, 100);
                deal = deal with { Amount = original, FirstAmount = deal.FirstAmount is { } first ? Round(first * original / amount, 100, 100) : null };
            }

            deals.Add(deal);
            return deal with { Amount = ExchangeRate.Convert(deal.Amount, currency, company, day, rates)!.Value };
        }

        Deal NewDeal(DemoRepYear rep, Account account, DealType type, string product, string currency, DealOutcome destiny, DateOnly created, DateOnly close,
            decimal amount, Random r, bool simple)
        {
            var closeDates = new List<(DateOnly, DateOnly)> { (created, close) };
            decimal? first = null;
            var resized = created;
            var roll = r.NextDouble();
            if (!simple && roll < (destiny == DealOutcome.Lost ? 0.4 : 0.25))
            {
                // Pushed once or twice: the first close date was too hopeful.
                var firstClose = close.AddDays(-r.Next(14, 45));
                var decided = firstClose.AddDays(-r.Next(0, 10));
                if (decided > created.AddDays(7))
                {
                    closeDates = [(created, firstClose), (decided, close)];
                    if (r.NextDouble() < 0.3)
                    {
                        var middle = firstClose.AddDays((close.DayNumber - firstClose.DayNumber) / 2);
                        closeDates = [(created, firstClose), (decided, middle), (middle.AddDays(-r.Next(1, 5)), close)];
                    }
                }
            }
            else if (!simple && roll < 0.3)
            {
                // Pulled in: the customer wanted it sooner.
                var decided = close.AddDays(-r.Next(10, 20));
                if (decided > created.AddDays(7))
                {
                    closeDates = [(created, close.AddDays(r.Next(14, 30))), (decided, close)];
                }
            }

            if (!simple && r.NextDouble() < 0.25)
            {
                first = Round(amount * Between(r, 0.75, 1.3), 500, 1_000);
                resized = created.AddDays((int)((close.DayNumber - created.DayNumber) * Between(r, 0.3, 0.7)));
            }

            number++;
            return new Deal
            {
                ExternalId = $"OPP-{number:D6}",
                Name = $"{account.Name}: {Label(type, product)}",
                Owner = rep.Rep,
                Account = account,
                Type = type,
                ProductId = product,
                Currency = currency,
                Destiny = destiny,
                Created = created,
                Close = close,
                CloseDates = closeDates,
                Amount = amount,
                FirstAmount = first,
                Resized = resized,
                LossReason = destiny == DealOutcome.Lost ? LossReasons[r.Next(LossReasons.Length)] : null,
                CommittedThenLost = destiny == DealOutcome.Lost && r.NextDouble() < 0.15,
                MovedBack = !simple && r.NextDouble() < 0.08,
            };
        }

        // The weekly full extracts, applied as the importer applies them.
        var products = DemoStrategy.Offerings;
        var changes = new List<OpportunityChange>();
        var rows = new List<Opportunity>();
        var audits = new List<AuditEntry>();
        foreach (var at in syncs)
        {
            var day = DateOnly.FromDateTime(at.UtcDateTime);
            var importId = Guid.CreateVersion7(at);
            var known = rates.Where(r => r.ValidFrom <= day).ToList();
            int read = 0, created = 0, updated = 0, deleted = 0;
            foreach (var deal in deals)
            {
                if (deal.Created > day || deal.Row?.Deleted == true)
                {
                    continue;
                }

                if (deal.DeletedOn is { } gone && day >= gone)
                {
                    if (deal.Row?.MarkDeleted(importId, at) is { } removal)
                    {
                        deal.Current!.End(at);
                        deal.Current = removal;
                        changes.Add(removal);
                        deleted++;
                    }

                    continue;
                }

                read++;
                var facts = FactsOn(deal, day, today, company, known, products);
                if (deal.Row is null)
                {
                    var (row, change) = Opportunity.Create(facts, importId, at);
                    (deal.Row, deal.Current) = (row, change);
                    rows.Add(row);
                    changes.Add(change);
                    created++;
                }
                else if (deal.Row.Apply(facts, importId, at) is { } change)
                {
                    deal.Current!.End(at);
                    deal.Current = change;
                    changes.Add(change);
                    updated++;
                }
            }

            var report = new ImportReport(ImportKind.Opportunities, read, created, updated, read - created - updated, [], false, true)
            {
                Deleted = deleted,
                Layout = "Terrain",
            };
            ImportFile.Audit(db, report, null, at);
        }

        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            db.ExchangeRates.AddRange(rates);
            await db.SaveChangesAsync(ct);
            foreach (var chunk in rows.Chunk(Chunk))
            {
                db.Opportunities.AddRange(chunk);
                await db.SaveChangesAsync(ct);
            }

            foreach (var chunk in changes.Chunk(Chunk))
            {
                db.OpportunityChanges.AddRange(chunk);
                await db.SaveChangesAsync(ct);
            }

            foreach (var chunk in activities.Chunk(Chunk))
            {
                db.Activities.AddRange(chunk);
                await db.SaveChangesAsync(ct);
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }

        var live = rows.Where(r => !r.Deleted).ToList();
        return new DemoActualsTotals(rows.Count, changes.Count, syncs.Count, activities.Count, activities.Count(a => a.Held),
            live.Count(r => r.Outcome == DealOutcome.Won), live.Where(r => r.Outcome == DealOutcome.Won).Sum(r => r.Amount),
            live.Count(r => r.Outcome == DealOutcome.Lost), live.Count(r => r.Outcome == DealOutcome.Open),
            live.Where(r => r.Outcome == DealOutcome.Open).Sum(r => r.Amount), rows.Count(r => r.Deleted),
            rows.Count(r => r.Currency != company), rates.Count);
    }

    /// <summary>What the CRM showed of a deal on a day: its stage by how far it had come, the close date then, the amount then.</summary>
    private static DealFacts FactsOn(Deal deal, DateOnly day, DateOnly today, string company, IReadOnlyList<ExchangeRate> rates,
        IReadOnlyDictionary<string, string> products)
    {
        var close = deal.CloseOn(day);
        var (stage, outcome, forecast, probability) = StageOn(deal, day, today);
        var original = deal.FirstAmount is { } first && day < deal.Resized ? first : deal.Amount;
        var amount = ExchangeRate.Convert(original, deal.Currency, company, close, rates) ?? original;
        return new DealFacts(deal.ExternalId, "", deal.Name, deal.Account.Id, deal.Account.Name, deal.Owner.Id, stage, outcome, forecast,
            amount, deal.Currency, original, probability, close, deal.Created, deal.Type, deal.ProductId, products.GetValueOrDefault(deal.ProductId),
            outcome == DealOutcome.Lost ? deal.LossReason : null).Validated();
    }

    private static (string Stage, DealOutcome Outcome, ForecastCategory Forecast, int Probability) StageOn(Deal deal, DateOnly day, DateOnly today)
    {
        if (day >= deal.Close && deal.Close <= today)
        {
            return deal.Destiny == DealOutcome.Won ? ("Closed Won", DealOutcome.Won, ForecastCategory.Closed, 100) : ("Closed Lost", DealOutcome.Lost, ForecastCategory.Omitted, 0);
        }

        var progress = (day.DayNumber - deal.Created.DayNumber) / (double)Math.Max(1, deal.Close.DayNumber - deal.Created.DayNumber);
        if (deal.MovedBack && progress is >= 0.55 and < 0.8)
        {
            return ("Qualification", DealOutcome.Open, ForecastCategory.Pipeline, 20);
        }

        return progress switch
        {
            < 0.15 => ("Prospecting", DealOutcome.Open, ForecastCategory.Pipeline, 10),
            < 0.40 => ("Qualification", DealOutcome.Open, ForecastCategory.Pipeline, 20),
            < 0.65 => ("Proposal", DealOutcome.Open, ForecastCategory.BestCase, 50),
            _ => ("Negotiation", DealOutcome.Open,
                deal.Destiny == DealOutcome.Won || deal.CommittedThenLost ? ForecastCategory.Commit : ForecastCategory.BestCase, 75),
        };
    }

    /// <summary>
    /// The activities each rep logged, week by week: as many as the story says, on the plan's A and B accounts in the
    /// story's share and otherwise on their other accounts (and, for the rep working off plan, on unassigned ones).
    /// </summary>
    private static IEnumerable<SalesActivity> Activities(DemoRepYear rep, StoryShape shape, IReadOnlyList<Account> accounts, DateOnly from, DateOnly today,
        IReadOnlyList<DateTimeOffset> syncs, Random random)
    {
        var onPlan = rep.Accounts.Where(a => rep.PlanAccounts.Contains(a.Id)).ToList();
        var offPlan = rep.Accounts.Where(a => !rep.PlanAccounts.Contains(a.Id)).ToList();
        var region = rep.Accounts.Count > 0 ? rep.Accounts[0].Region : null;
        var unassigned = accounts.Where(a => a.OwnerId is null && a.Region == region).ToList();
        var monday = from.AddDays(-(((int)from.DayOfWeek + 6) % 7));
        var number = 0;
        var syncIndex = 0;
        for (var week = monday; week <= today; week = week.AddDays(7))
        {
            // Fewer in the holidays at the end of December.
            var quiet = week.Month == 12 && week.Day > 20;
            var count = (int)Math.Round((decimal)(shape.ActivitiesPerWeek * (quiet ? 0.4 : 1)) * Between(random, 0.75, 1.25));
            for (var i = 0; i < count; i++)
            {
                var date = week.AddDays(random.Next(0, 5));
                var roll = random.NextDouble();
                var type = ActivityTypes.First(t => (roll -= t.Weight) < 0 || t == ActivityTypes[^1]).Type;
                var planRoll = random.NextDouble();
                var account = planRoll < shape.PlanShare && onPlan.Count > 0 ? onPlan[random.Next(onPlan.Count)]
                    : rep.Story == DemoStory.BusyOffPlan && unassigned.Count > 0 && random.NextDouble() < 0.25 ? unassigned[random.Next(unassigned.Count)]
                    : offPlan.Count > 0 ? offPlan[random.Next(offPlan.Count)] : null;
                var held = type == "Email" || random.NextDouble() >= 0.06;
                if (date > today)
                {
                    continue;
                }

                // Brought in by the first weekly sync on or after its day.
                while (syncIndex < syncs.Count - 1 && DateOnly.FromDateTime(syncs[syncIndex].UtcDateTime) < date)
                {
                    syncIndex++;
                }

                var at = syncs[syncIndex];
                number++;
                yield return SalesActivity.Create($"ACT-{rep.Rep.Email?.Split('@')[0]}-{number:D5}", rep.Rep.Id, type, date, account?.Id, held,
                    Guid.CreateVersion7(at), at);
            }
        }
    }

    private static List<ExchangeRate> Rates(string[] currencies, string company, DateOnly from, DateOnly today, Random random)
    {
        var rates = new List<ExchangeRate>();
        var first = new DateOnly(from.Year, from.Month, 1).AddMonths(-2);
        foreach (var currency in currencies)
        {
            var month = 0;
            var value = DollarValue.GetValueOrDefault(currency, 1m) / DollarValue.GetValueOrDefault(company, 1m);
            for (var start = first; start <= today; start = start.AddMonths(1), month++)
            {
                var rate = decimal.Round(value * ((decimal)(1 + (0.04 * Math.Sin(month / 3.0))) + Between(random, -0.01, 0.01)), ExchangeRate.Scale);
                rates.Add(ExchangeRate.Create(currency, start, rate, new DateTimeOffset(start.ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero)));
            }
        }

        return rates;
    }

    private static Account PickCustomer(DemoRepYear rep, IReadOnlyList<Account> customers, IReadOnlyList<Account> exclude, double planShare, Random random)
    {
        var onPlan = random.NextDouble() < planShare;
        IReadOnlyList<Account> pool = customers.Where(a => rep.PlanAccounts.Contains(a.Id) == onPlan && !exclude.Contains(a)).ToList();
        if (pool.Count == 0)
        {
            pool = customers;
        }

        return pool[random.Next(pool.Count)];
    }

    private static decimal Target(DemoRepYear rep, string goal, int quarter) =>
        rep.Targets.TryGetValue(goal, out var targets) && quarter < targets.Count ? targets[quarter] : 0;

    /// <summary>The last deal of a quarter is sized to what is still needed, give or take, when that is less than planned.</summary>
    private static decimal Fit(decimal amount, decimal needed, decimal minimum, Random random) =>
        needed < amount ? Math.Max(minimum, Round(needed * Between(random, 1.0, 1.12), 500, minimum)) : amount;

    private static decimal Round(decimal value, decimal unit, decimal minimum) => Math.Max(minimum, Math.Round(value / unit) * unit);

    private static decimal Between(Random random, double low, double high) => (decimal)(low + (random.NextDouble() * (high - low)));

    private static string Label(DealType type, string product) => (type, product) switch
    {
        (DealType.NewBusiness, DemoStrategy.Platform) => "FieldOps Platform, first site",
        (DealType.Renewal, _) => "FieldOps Platform renewal",
        (_, DemoStrategy.Platform) => "FieldOps Platform, more sites",
        (_, "off-analytics") => "Uptime Analytics add-on",
        _ => "Rollout services",
    };
}
