using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;

namespace Terrain.Features.Dashboards;

/// <summary>Why an open deal is at risk.</summary>
public enum DealRisk
{
    /// <summary>Its close date is before the as-of date and it is still open.</summary>
    CloseDatePassed,

    /// <summary>No activity held on its account in the last N days (or the deal has no account to check).</summary>
    NoRecentActivity,

    /// <summary>Its stage has not changed for M days, by the imports' change history.</summary>
    StalledInStage,
}

/// <summary>Days without an activity on the account, or in one stage, that a request asks for instead of the leader's settings.</summary>
public sealed record RiskOverrides(int? NoActivityDays, int? StalledDays)
{
    public static readonly RiskOverrides None = new(null, null);
}

/// <summary>
/// The thresholds of the rules: days without an activity on the account, days in one stage. They come from the
/// leader's metric settings (<see cref="MetricSettings.IdleDays"/>, <see cref="MetricSettings.StalledDays"/>); a
/// request may override either.
/// </summary>
public sealed record RiskRules(int NoActivityDays, int StalledDays)
{
    public static RiskRules Of(MetricSettings settings, RiskOverrides overrides)
    {
        if (overrides.NoActivityDays is < 1 or > 366)
        {
            throw new DomainException("The days without activity run from 1 to 366.", "noActivityDays");
        }

        if (overrides.StalledDays is < 1 or > 366)
        {
            throw new DomainException("The days in one stage run from 1 to 366.", "stalledDays");
        }

        return new(overrides.NoActivityDays ?? settings.IdleDays, overrides.StalledDays ?? settings.StalledDays);
    }
}

/// <summary>
/// An open deal at risk and every reason it is (<see cref="Reasons"/>, in words in <see cref="Why"/>); <see cref="Stage"/> is the stage it was in on the day.
/// <see cref="LastActivity"/> is the last held activity on the account up to the as-of date; <see cref="InStageSince"/>
/// the day the deal entered its current stage, by the imports' change history.
/// </summary>
public sealed record DealAtRisk(
    Guid Id,
    string ExternalId,
    string Name,
    Guid? AccountId,
    string Account,
    Guid OwnerId,
    string Owner,
    string Stage,
    ForecastCategory Forecast,
    decimal Amount,
    DateOnly CloseDate,
    DateOnly? LastActivity,
    DateOnly? InStageSince,
    IReadOnlyList<DealRisk> Reasons,
    string Why);

/// <summary>
/// Open deals at risk for a set of owners as of a business day, in three queries whatever the number of owners: the
/// open deals with their account's last activity, and the stage history of those deals. Reads the latest import.
/// </summary>
public sealed class DealsAtRisk(AppDbContext db)
{
    public async Task<IReadOnlyList<DealAtRisk>> ListAsync(IQueryable<Guid> owners, DateOnly day, string timeZone, RiskRules rules, CancellationToken ct)
    {
        var quietSince = day.AddDays(-rules.NoActivityDays);
        var deals = await (from o in db.Opportunities.AsNoTracking()
                           where !o.Deleted && o.Outcome == DealOutcome.Open && o.CreatedDate <= day && owners.Contains(o.OwnerId)
                           join u in db.Users on o.OwnerId equals u.Id
                           select new
                           {
                               o.Id,
                               o.ExternalId,
                               o.Name,
                               o.AccountId,
                               o.AccountName,
                               o.OwnerId,
                               Owner = u.DisplayName,
                               o.Stage,
                               o.Forecast,
                               o.Amount,
                               o.CloseDate,
                               LastActivity = db.Activities.Where(a => a.AccountId != null && a.AccountId == o.AccountId && a.Held && a.Date <= day)
                                   .Max(a => (DateOnly?)a.Date),
                               Account = db.Accounts.Where(a => a.Id == o.AccountId).Select(a => a.Name).FirstOrDefault(),
                           }).ToListAsync(ct);
        if (deals.Count == 0)
        {
            return [];
        }

        // The stage history of those deals: when each entered its current stage (the first version in the latest run of it).
        var open = db.Opportunities.Where(o => !o.Deleted && o.Outcome == DealOutcome.Open && o.CreatedDate <= day && owners.Contains(o.OwnerId)).Select(o => o.Id);
        var history = (await db.OpportunityChanges.AsNoTracking().Where(c => open.Contains(c.OpportunityId))
                .Select(c => new { c.OpportunityId, c.ValidFrom, c.Stage }).ToListAsync(ct))
            .ToLookup(c => c.OpportunityId);
        var endOfDay = Deadlines.EndOfDay(day, timeZone);
        var rows = new List<DealAtRisk>();
        foreach (var d in deals)
        {
            var versions = history[d.Id].Where(c => c.ValidFrom < endOfDay).OrderBy(c => c.ValidFrom).ToList();
            // The stage the deal was in on the day (a later import may have moved it since).
            var stage = versions.Count > 0 ? versions[^1].Stage : d.Stage;
            DateTimeOffset? entered = null;
            foreach (var v in versions)
            {
                if (v.Stage != stage)
                {
                    entered = null;
                }
                else
                {
                    entered ??= v.ValidFrom;
                }
            }

            DateOnly? since = entered is { } e ? Deadlines.LocalDate(e, timeZone) : null;
            var reasons = new List<DealRisk>();
            var why = new List<string>();
            if (d.CloseDate < day)
            {
                reasons.Add(DealRisk.CloseDatePassed);
                why.Add($"close date passed {day.DayNumber - d.CloseDate.DayNumber} days ago");
            }

            if (d.LastActivity is not { } last || last <= quietSince)
            {
                reasons.Add(DealRisk.NoRecentActivity);
                why.Add(d.AccountId is null ? "no account to check activities on"
                    : d.LastActivity is { } l ? $"no activity on the account for {day.DayNumber - l.DayNumber} days"
                    : "no activity on the account");
            }

            if (since is { } s && s.DayNumber <= day.DayNumber - rules.StalledDays)
            {
                reasons.Add(DealRisk.StalledInStage);
                why.Add($"in {stage} for {day.DayNumber - s.DayNumber} days");
            }

            if (reasons.Count > 0)
            {
                var text = string.Join("; ", why);
                rows.Add(new DealAtRisk(d.Id, d.ExternalId, d.Name, d.AccountId, d.Account ?? d.AccountName, d.OwnerId, d.Owner, stage, d.Forecast,
                    d.Amount, d.CloseDate, d.LastActivity, since, reasons, char.ToUpperInvariant(text[0]) + text[1..] + "."));
            }
        }

        return rows.OrderByDescending(r => r.Reasons.Count).ThenByDescending(r => r.Amount).ThenBy(r => r.CloseDate).ThenBy(r => r.ExternalId, StringComparer.Ordinal)
            .ToList();
    }
}
