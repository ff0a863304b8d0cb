using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Quotas;

/// <summary>
/// What a leader asks for: the target (by default the strategy's revenue objectives), the method, the blend's weights,
/// the quarters' shape (with percentages when custom) and the new hires' ramp (default 25/50/75/100).
/// </summary>
public sealed record AllocationRequest(decimal? Target = null, AllocationMethod Method = AllocationMethod.Potential, BlendWeights? Weights = null,
    Seasonality Seasonality = Seasonality.LastYear, List<decimal>? SeasonPercents = null, List<int>? Ramp = null, string? Reason = null);

/// <summary>
/// One rep in an allocation: the method's basis (potential, last year's bookings) and share, the ramp per quarter, the
/// amounts the allocation computed (<see cref="Allocated"/>), the draft as adjusted by hand (<see cref="Draft"/>, what
/// publishing writes), and the quota now held (<see cref="Quota"/>, with its version), and whether the rep has
/// acknowledged it. <see cref="Total"/> counts the draft while the allocation is a draft, the quota held once published.
/// </summary>
public sealed record AllocationRepRow(Guid RepId, string Name, Guid? ManagerId, string? Manager, decimal Potential, decimal Bookings, decimal Share,
    IReadOnlyList<int> Ramp, IReadOnlyList<decimal> Allocated, IReadOnlyList<decimal> Draft, bool Adjusted, IReadOnlyList<decimal?> Quota, decimal Total,
    int Version, bool Published, bool Acknowledged, DateTimeOffset? AcknowledgedAt)
{
    /// <summary>The team the rep is allocated in (its manager's id): the allocation's (ADR 0048), else their manager now.</summary>
    public Guid? Team { get; init; }
}

/// <summary>
/// A team's part: the sum of its reps (<see cref="Quarters"/>, <see cref="Total"/>) and, for an allocation where teams
/// come first (ADR 0048), the team's number set in the first step (<see cref="Quota"/>, adjusted by hand when
/// <see cref="Adjusted"/>) and the reps' difference to it (zero before it can be published).
/// </summary>
public sealed record AllocationTeamRow(Guid? ManagerId, string Manager, int Reps, IReadOnlyList<decimal> Quarters, decimal Total,
    IReadOnlyList<decimal>? Quota = null, decimal? QuotaTotal = null, bool Adjusted = false, decimal? Difference = null);

/// <summary>
/// An allocation as shown: its settings and notes, every rep and team, totals per quarter, and the total's
/// <see cref="Difference"/> to the target (zero before it can be published). <see cref="Id"/> is null for a preview,
/// whose totals are the computed amounts; a draft's totals are its amounts as adjusted (no quota holds them yet); a
/// published allocation's totals are the quotas now held. <see cref="Version"/> is what an adjustment of the draft
/// carries back.
/// </summary>
public sealed record AllocationView(Guid? Id, int? Version, Guid CycleId, string Cycle, IReadOnlyList<string> Quarters, decimal Target, AllocationMethod Method,
    string Description, BlendWeights? Weights, Seasonality Seasonality, IReadOnlyList<decimal> Season, IReadOnlyList<int> Ramp, IReadOnlyList<string> Notes,
    AllocationStatus? Status, DateTimeOffset? CreatedAt, DateTimeOffset? PublishedAt, IReadOnlyList<AllocationRepRow> Reps, IReadOnlyList<AllocationTeamRow> Teams,
    IReadOnlyList<decimal> QuarterTotals, decimal Total, decimal Difference, int Unacknowledged)
{
    /// <summary>The teams' numbers summed (null for an allocation made before teams came first).</summary>
    public decimal? TeamsTotal { get; init; }

    /// <summary>The teams' numbers' difference to the target (null for an allocation made before teams came first).</summary>
    public decimal? TeamsDifference { get; init; }

    /// <summary>Whether the caller sees the whole allocation (a leader) or only the teams they share out (a manager: their own).</summary>
    public bool WholeOrganisation { get; init; }
}

/// <summary>The first step by hand (ADR 0048): the allocation's version as read, and each team's quarters as they should be.</summary>
public sealed record TeamAllocation(int Version, List<AllocatedTeam>? Teams);

/// <summary>One team's quarters, named by its manager (null: the reps without a manager), one amount per quarter of the cycle.</summary>
public sealed record AllocatedTeam(Guid? ManagerId, List<decimal>? Quarters);

/// <summary>A draft adjusted by hand: the allocation's version as read, and each rep's quarters as they should be.</summary>
public sealed record AllocationAdjustment(int Version, List<AdjustedRep>? Reps);

/// <summary>One rep's quarters in an adjustment, one amount per quarter of the cycle.</summary>
public sealed record AdjustedRep(Guid RepId, List<decimal>? Quarters);

/// <summary>
/// Top-down allocation (ADR 0038, ADR 0041, ADR 0048): a leader shares a cycle's revenue target between the teams,
/// then within each team between its reps, as a draft; the leader adjusts the teams' numbers, the leader or the team's
/// manager adjusts the reps within their team; the leader publishes it once the teams sum to the target and each
/// team's reps to the team: publishing writes the amounts as the reps' quotas and the teams' numbers as their managers'
/// team quotas through <see cref="SaveQuotas"/> and sends the quota letters, in one transaction. A draft changes no
/// quota, so the plans' gap to quota reads the published quota only.
/// </summary>
public sealed partial class QuotaAllocations(AppDbContext db, AccessPolicy access, SaveQuotas saver, QuotaHandlers quotas, QuotaGrid grid,
    IOptions<TerrainOptions> options, TimeProvider clock)
{
    /// <summary>What the settings would give, saving nothing; null when there is no such cycle.</summary>
    public async Task<AllocationView?> PreviewAsync(Guid cycleId, AllocationRequest request, CancellationToken ct)
    {
        access.Ensure(Act.AllocateQuota);
        if (await ComputeAsync(cycleId, request, ct) is not { } computed)
        {
            return null;
        }

        var (cycle, settings, result) = computed;
        var draft = QuotaAllocation.Draft(cycle.Id, settings, result, access.Actor.Id, clock.GetUtcNow());
        return await ViewAsync(cycle, draft, preview: true, ct);
    }

    /// <summary>Computes the allocation and saves it as a draft (no quota changes until it is published); null when there is no such cycle.</summary>
    public async Task<AllocationView?> CreateAsync(Guid cycleId, AllocationRequest request, CancellationToken ct)
    {
        access.Ensure(Act.AllocateQuota);
        if (await ComputeAsync(cycleId, request, ct) is not { } computed)
        {
            return null;
        }

        var (cycle, settings, result) = computed;
        cycle.EnsureOpen();
        var now = clock.GetUtcNow();
        var allocation = QuotaAllocation.Draft(cycle.Id, settings, result, access.Actor.Id, now, request.Reason?.Trim() is { Length: > 0 } reason ? reason : null);
        db.QuotaAllocations.Add(allocation);
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "quota.allocate", "QuotaAllocation", allocation.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                cycle = cycle.Id,
                target = settings.Target,
                method = allocation.Method.ToString(),
                weights = allocation.Weights,
                seasonality = allocation.Seasonality.ToString(),
                season = allocation.Season,
                ramp = allocation.Ramp,
                reps = result.Reps.Count,
                reason = allocation.Reason,
            })));
        TellManagers(cycle, allocation, allocation.ReadTeams().Select(t => t.ManagerId).ToList(), now);
        await db.SaveChangesAsync(ct);
        return await CurrentAsync(cycle.Id, ct);
    }

    private static QuotaBatchRow Row(Guid repId, QuotaRow? held, IReadOnlyList<decimal> amounts) =>
        new(repId, held?.Version ?? 0, amounts.ElementAtOrDefault(0), amounts.ElementAtOrDefault(1), amounts.ElementAtOrDefault(2),
            amounts.Count > 3 ? amounts[3] : null, held?.InSeatFrom, held?.InSeatTo);

    /// <summary>The cycle's latest allocation with the quotas now held; null when the cycle has none (or does not exist).</summary>
    public async Task<AllocationView?> CurrentAsync(Guid cycleId, CancellationToken ct)
    {
        access.Ensure(Act.AllocateTeamQuota);
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null || await LatestAsync(cycleId, ct) is not { } allocation)
        {
            return null;
        }

        return await ViewAsync(cycle, allocation, preview: false, ct);
    }

    /// <summary>
    /// Adjusts the draft by hand (all or nothing, every problem named by field; a stale version is 409) and answers with
    /// the allocation and its difference to the target; null when the cycle has no allocation.
    /// </summary>
    public async Task<AllocationView?> AdjustAsync(Guid cycleId, AllocationAdjustment adjustment, CancellationToken ct)
    {
        access.Ensure(Act.AllocateTeamQuota);
        var allocation = await db.QuotaAllocations.Where(a => a.CycleId == cycleId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        if (allocation is null)
        {
            return null;
        }

        // A manager shares out their own team's number (ADR 0048): the team as the allocation has it.
        var teamOf = allocation.ReadLines().ToDictionary(l => l.RepId, l => l.ManagerId);
        foreach (var rep in adjustment.Reps ?? [])
        {
            if (teamOf.TryGetValue(rep.RepId, out var managerId))
            {
                access.Ensure(Act.AllocateTeamQuota, new About(rep.RepId, managerId));
            }
        }

        var before = allocation.ReadLines().ToDictionary(l => l.RepId, l => l.Draft);
        allocation.Adjust((adjustment.Reps ?? []).Select(r => (r.RepId, (IReadOnlyList<decimal>)(r.Quarters ?? []))).ToList(), adjustment.Version);
        var now = clock.GetUtcNow();
        var changed = allocation.ReadLines().Where(l => !l.Draft.SequenceEqual(before[l.RepId]))
            .Select(l => new { rep = l.RepId, before = before[l.RepId], after = l.Draft }).ToList();
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "quota.allocation.adjust", "QuotaAllocation", allocation.Id.ToString(),
            JsonSerializer.Serialize(new { cycle = cycleId, version = allocation.Version, changed })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            throw new InvalidStateException("Someone adjusted this allocation at the same moment; nothing was saved. Reload it and adjust again.", "version");
        }

        return await CurrentAsync(cycleId, ct);
    }

    /// <summary>
    /// The first step by hand (ADR 0048): the leader sets teams' numbers; the reps of each team changed are shared out
    /// again within it, and its manager is told. All or nothing, every problem named by field (422), a stale version is
    /// 409; null when the cycle has no allocation.
    /// </summary>
    public async Task<AllocationView?> SetTeamsAsync(Guid cycleId, TeamAllocation input, CancellationToken ct)
    {
        access.Ensure(Act.AllocateQuota);
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        var allocation = await db.QuotaAllocations.Where(a => a.CycleId == cycleId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        if (cycle is null || allocation is null)
        {
            return null;
        }

        var before = allocation.ReadTeams().ToDictionary(t => t.ManagerId ?? Guid.Empty, t => t.Draft);
        var changed = allocation.SetTeams((input.Teams ?? []).Select(t => (t.ManagerId, (IReadOnlyList<decimal>)(t.Quarters ?? []))).ToList(), input.Version);
        var now = clock.GetUtcNow();
        var after = allocation.ReadTeams().ToDictionary(t => t.ManagerId ?? Guid.Empty, t => t.Draft);
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "quota.allocation.teams", "QuotaAllocation", allocation.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                cycle = cycleId,
                version = allocation.Version,
                changed = changed.Select(m => new { manager = m, before = before[m ?? Guid.Empty], after = after[m ?? Guid.Empty] }),
            })));
        TellManagers(cycle, allocation, changed, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            throw new InvalidStateException("Someone adjusted this allocation at the same moment; nothing was saved. Reload it and adjust again.", "version");
        }

        return await CurrentAsync(cycleId, ct);
    }

    /// <summary>Each manager of these teams is told their team's number in the draft, to share it out between their reps.</summary>
    private void TellManagers(PlanningCycle cycle, QuotaAllocation allocation, IReadOnlyList<Guid?> managers, DateTimeOffset now)
    {
        var teams = allocation.ReadTeams();
        foreach (var managerId in managers.OfType<Guid>())
        {
            var amount = teams.Single(t => t.ManagerId == managerId).Draft.Sum();
            db.Notifications.Add(Notification.Create(managerId, $"quota-team:{allocation.Id}:{allocation.Version}:{managerId}", $"Your team's {cycle.Name} quota to share out",
                $"The draft allocation gives your team {Show.Money(amount)}: share it out between your reps before it is published.", AllocateLink(cycle.Id), now));
        }
    }

    public static string AllocateLink(Guid cycleId) => $"/Quotas/Allocate/{cycleId}";

    /// <summary>
    /// Publishes the latest allocation: writes its draft as every rep's quota (and each manager's team quota as the sum
    /// of the team) through <see cref="SaveQuotas"/>, sends each rep their quota letter, all in one transaction; refused
    /// (409, the <c>allocation-does-not-sum</c> error) while the draft does not sum to the target to the cent.
    /// </summary>
    public async Task<AllocationView?> PublishAsync(Guid cycleId, CancellationToken ct)
    {
        access.Ensure(Act.AllocateQuota);
        bool published;
        try
        {
            published = await PublishInTransactionAsync(cycleId, ct);
        }
        catch (DomainException)
        {
            // Nothing was committed: forget what the refused attempt changed in memory.
            db.ChangeTracker.Clear();
            throw;
        }

        if (!published)
        {
            return null;
        }

        return await CurrentAsync(cycleId, ct);
    }

    private Task<bool> PublishInTransactionAsync(Guid cycleId, CancellationToken ct) =>
        UnitOfWork.RunAsync(db, async token =>
        {
            var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, token);
            if (cycle is null || await db.QuotaAllocations.Where(a => a.CycleId == cycleId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(token) is not { } allocation)
            {
                return false;
            }

            cycle.EnsureOpen();
            var now = clock.GetUtcNow();
            var teams = allocation.ReadTeams();
            var teamManagers = teams.Select(t => t.ManagerId).OfType<Guid>().ToList();
            var names = await db.Users.AsNoTracking().Where(u => teamManagers.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, token);
            allocation.Publish(access.Actor.Id, now, m => m is { } id && names.TryGetValue(id, out var name) ? $"the team of {name}" : "the reps without a manager");
            var lines = allocation.ReadLines();
            var held = (await quotas.ListAsync(cycle.Id, null, token) ?? []).ToDictionary(r => r.RepId);
            var rows = lines.Select(l => Row(l.RepId, held.GetValueOrDefault(l.RepId), l.Draft)).ToList();
            if (teams.Count > 0)
            {
                // The teams' numbers of the first step are the managers' team quotas (ADR 0048).
                foreach (var team in teams)
                {
                    if (team.ManagerId is { } managerId && held.GetValueOrDefault(managerId) is { IsTeam: true } row)
                    {
                        rows.Add(Row(managerId, row, team.Draft));
                    }
                }
            }
            else
            {
                var managers = await db.Users.AsNoTracking().Where(u => lines.Select(l => l.RepId).Contains(u.Id) && u.ManagerId != null)
                    .Select(u => new { u.Id, Manager = u.ManagerId!.Value }).ToDictionaryAsync(u => u.Id, u => u.Manager, token);
                foreach (var team in lines.Where(l => managers.ContainsKey(l.RepId)).GroupBy(l => managers[l.RepId]))
                {
                    if (held.GetValueOrDefault(team.Key) is { IsTeam: true } row)
                    {
                        rows.Add(Row(team.Key, row, Enumerable.Range(0, cycle.Quarters.Count).Select(q => team.Sum(l => l.Draft[q])).ToList()));
                    }
                }
            }

            var reason = allocation.Reason
                         ?? $"Allocation of {allocation.Target.ToString("N2", CultureInfo.InvariantCulture)} {allocation.Describe()}";
            var outcome = await saver.SaveAsync(cycle.Id, new QuotaBatch(rows, reason.Length > QuotaChange.MaxReason ? reason[..QuotaChange.MaxReason] : reason),
                QuotaSource.Allocation, token);
            switch (outcome)
            {
                case QuotaSaveOutcome.Saved:
                    break;
                case QuotaSaveOutcome.Invalid invalid:
                    var (field, messages) = invalid.Errors.First();
                    throw new DomainException(messages[0], field);
                case QuotaSaveOutcome.Stale stale:
                    throw new InvalidStateException($"Someone changed quotas while the allocation was published; nothing was published. {stale.Conflicts[0].Message}", "version");
                default:
                    throw new InvalidStateException("A rep of the allocation can no longer be given a quota; nothing was published. Allocate again.", "reps");
            }

            var ids = lines.Select(l => l.RepId).ToList();
            var headers = await db.RepQuotas.Where(q => q.CycleId == cycleId && ids.Contains(q.RepId)).ToDictionaryAsync(q => q.RepId, token);
            foreach (var id in ids)
            {
                if (!headers.TryGetValue(id, out var header))
                {
                    header = RepQuota.Start(cycleId, id, now);
                    db.RepQuotas.Add(header);
                }

                header.Publish(allocation.Id, now);
                db.Notifications.Add(Notification.Create(id, $"quota-letter:{allocation.Id}:{allocation.Version}:{id}", $"Your {cycle.Name} quota letter",
                    $"Your quota for {cycle.Name} is published: read how it was set and acknowledge it.", LetterLink(cycleId), now));
            }

            db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "quota.publish", "QuotaAllocation", allocation.Id.ToString(),
                JsonSerializer.Serialize(new { cycle = cycleId, target = allocation.Target, total = allocation.DraftTotal(), reps = ids.Count })));
            try
            {
                await db.SaveChangesAsync(token);
            }
            catch (DbUpdateException e) when (DbConflicts.IsConflict(e) && !UnitOfWork.WillRetry(db, e))
            {
                throw new InvalidStateException("A quota changed while the allocation was being published; nothing was published. Look at the totals and publish again.", "version");
            }

            return true;
        }, ct, inTransaction: true);

    private Task<QuotaAllocation?> LatestAsync(Guid cycleId, CancellationToken ct) =>
        db.QuotaAllocations.AsNoTracking().Where(a => a.CycleId == cycleId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);

    private async Task<AllocationView> ViewAsync(PlanningCycle cycle, QuotaAllocation allocation, bool preview, CancellationToken ct)
    {
        var lines = allocation.ReadLines();
        var draft = preview || allocation.Status == AllocationStatus.Draft;
        var ids = lines.Select(l => l.RepId).ToList();
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.ManagerId, Manager = u.Manager == null ? null : u.Manager.DisplayName }).ToDictionaryAsync(u => u.Id, ct);
        var count = cycle.Quarters.Count;
        var held = (await db.Quotas.AsNoTracking().Where(q => q.CycleId == cycle.Id && ids.Contains(q.RepId)).Select(q => new { q.RepId, q.Quarter, q.Amount })
            .ToListAsync(ct)).ToLookup(q => q.RepId);
        var headers = await db.RepQuotas.AsNoTracking().Where(q => q.CycleId == cycle.Id && ids.Contains(q.RepId)).ToDictionaryAsync(q => q.RepId, ct);
        var allReps = lines.Where(l => people.ContainsKey(l.RepId)).Select(l =>
        {
            var person = people[l.RepId];
            var quota = Enumerable.Range(1, count).Select(n => held[l.RepId].FirstOrDefault(q => q.Quarter == n)?.Amount).ToList();
            var header = headers.GetValueOrDefault(l.RepId);
            var total = draft ? l.Draft.Sum() : quota.Sum(q => q ?? 0);
            return new AllocationRepRow(l.RepId, person.DisplayName, person.ManagerId, person.Manager, l.Potential, l.Bookings, l.Share, l.Ramp, l.Quarters,
                l.Draft, l.Adjusted is not null, quota, total, header?.Version ?? 0, header?.IsPublished ?? false,
                header is { IsPublished: true, AwaitsAcknowledgement: false }, header?.AcknowledgedAt);
        }).OrderBy(r => r.Manager ?? "", StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
        IReadOnlyList<decimal> Counted(AllocationRepRow r) => draft ? r.Draft : r.Quota.Select(q => q ?? 0).ToList();
        // A rep's team is the allocation's (ADR 0048), else (before teams came first) their manager now.
        var teamLines = allocation.ReadTeams();
        var teamOf = lines.ToDictionary(l => l.RepId, l => teamLines.Count > 0 ? l.ManagerId : people.GetValueOrDefault(l.RepId)?.ManagerId);
        var managerIds = teamLines.Select(t => t.ManagerId).OfType<Guid>().ToList();
        var teamNames = await db.Users.AsNoTracking().Where(u => managerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var whole = access.May(Act.AllocateQuota);
        var reps = allReps.Where(r => whole || access.May(Act.AllocateTeamQuota, new About(r.RepId, teamOf[r.RepId]))).Select(r => r with { Team = teamOf[r.RepId] }).ToList();
        var teams = reps.GroupBy(r => teamOf[r.RepId]).Select(g =>
        {
            var quarters = Enumerable.Range(0, count).Select(q => g.Sum(r => Counted(r)[q])).ToList();
            var name = g.Key is { } m && teamNames.TryGetValue(m, out var n) ? n : g.First().Manager ?? "No manager";
            return teamLines.FirstOrDefault(t => t.ManagerId == g.Key) is { } line
                ? new AllocationTeamRow(g.Key, name, g.Count(), quarters, g.Sum(r => r.Total), line.Draft, line.Draft.Sum(), line.Adjusted is not null,
                    g.Sum(r => r.Total) - line.Draft.Sum())
                : new AllocationTeamRow(g.Key, name, g.Count(), quarters, g.Sum(r => r.Total));
        }).ToList();
        var quarterTotals = Enumerable.Range(0, count).Select(q => allReps.Sum(r => Counted(r)[q])).ToList();
        var total = allReps.Sum(r => r.Total);
        decimal? teamsTotal = teamLines.Count > 0 ? allocation.TeamsTotal() : null;
        return new AllocationView(preview ? null : allocation.Id, preview ? null : allocation.Version, cycle.Id, cycle.Name, cycle.Quarters.Select(q => q.Label).ToList(), allocation.Target,
            allocation.Method, allocation.Describe(), allocation.Weights, allocation.Seasonality, allocation.SeasonPercents(), allocation.RampSteps(),
            allocation.Notes.Split('\n', StringSplitOptions.RemoveEmptyEntries), preview ? null : allocation.Status, preview ? null : allocation.CreatedAt,
            allocation.PublishedAt, reps, teams, quarterTotals, total, total - allocation.Target, reps.Count(r => r.Published && !r.Acknowledged))
        {
            TeamsTotal = teamsTotal,
            TeamsDifference = teamsTotal - allocation.Target,
            WholeOrganisation = whole,
        };
    }

    /// <summary>The settings checked (every problem named by field), the reps with their potential, bookings and start, and the result.</summary>
    private async Task<(PlanningCycle Cycle, AllocationSettings Settings, AllocationResult Result)?> ComputeAsync(Guid cycleId, AllocationRequest request,
        CancellationToken ct)
    {
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null)
        {
            return null;
        }

        var target = request.Target;
        if (target is null)
        {
            target = (await grid.RevenueObjectivesAsync(cycle.StrategyId, ct))?.Target
                     ?? throw new DomainException($"Give a target: {cycle.Name} executes no strategy with revenue objectives to take it from.", "target");
        }

        var settings = new AllocationSettings(target.Value, request.Method, request.Weights, request.Seasonality, request.SeasonPercents,
            request.Ramp ?? [.. AllocationSettings.DefaultRamp]);
        var quarters = cycle.Quarters;
        if (settings.Problems(quarters.Count) is { Count: > 0 } problems)
        {
            var (field, message) = problems.First();
            throw problems.Count == 1
                ? new DomainException(message, field)
                : new DomainException("The allocation's settings break a rule", problems.Select(p => $"{p.Key}: {p.Value}").ToList(), field);
        }

        var people = await (from p in access.VisiblePlans().Where(p => p.CycleId == cycleId)
                            join u in db.Users on p.OwnerId equals u.Id
                            where u.Role == Role.Rep
                            select new { u.Id, u.DisplayName, u.ManagerId, u.StartedOn }).ToListAsync(ct);
        var ids = people.Select(p => p.Id).ToList();
        var potential = await db.Accounts.AsNoTracking().Where(a => a.OwnerId != null && ids.Contains(a.OwnerId.Value))
            .GroupBy(a => a.OwnerId!.Value).Select(g => new { Rep = g.Key, Sum = g.Sum(a => a.AnnualPotential) }).ToDictionaryAsync(g => g.Rep, g => g.Sum, ct);
        var seats = await db.RepSeats.AsNoTracking().Where(s => s.CycleId == cycleId && ids.Contains(s.RepId)).ToDictionaryAsync(s => s.RepId, s => s.From, ct);
        var (from, to) = (cycle.PeriodStart.AddYears(-1), cycle.PeriodEnd.AddYears(-1));
        var won = await WonAsync(from, to, ct);
        var bookings = won.Where(w => ids.Contains(w.Rep)).GroupBy(w => w.Rep).ToDictionary(g => g.Key, g => g.Sum(w => w.Sum));
        var lastYear = quarters.Select(q => won.Where(w => w.Day >= q.Start.AddYears(-1) && w.Day <= q.End.AddYears(-1)).Sum(w => w.Sum)).ToList();
        var reps = people.OrderBy(p => p.DisplayName, StringComparer.OrdinalIgnoreCase).Select(p => new AllocationRep(p.Id, p.DisplayName, p.ManagerId,
            potential.GetValueOrDefault(p.Id), bookings.GetValueOrDefault(p.Id), p.StartedOn ?? seats.GetValueOrDefault(p.Id))).ToList();
        var period = $"from {from.ToString("d MMM yyyy", CultureInfo.InvariantCulture)} to {to.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}";
        var result = QuotaAllocator.Allocate(settings, reps, quarters, lastYear, period);
        return (cycle, settings, result);
    }

    /// <summary>Closed-won revenue by rep and day in the period: won deals, or booking lines where the company counts revenue on bookings.</summary>
    private async Task<List<(Guid Rep, DateOnly Day, decimal Sum)>> WonAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (options.Value.RevenueSource == RevenueSource.Bookings)
        {
            return (await db.Bookings.AsNoTracking().Where(b => b.Date >= from && b.Date <= to)
                    .GroupBy(b => new { b.OwnerId, b.Date }).Select(g => new { g.Key.OwnerId, g.Key.Date, Sum = g.Sum(b => b.Amount) }).ToListAsync(ct))
                .Select(x => (x.OwnerId, x.Date, x.Sum)).ToList();
        }

        return (await db.Opportunities.AsNoTracking().Where(o => !o.Deleted && o.Outcome == DealOutcome.Won && o.CloseDate >= from && o.CloseDate <= to)
                .GroupBy(o => new { o.OwnerId, o.CloseDate }).Select(g => new { g.Key.OwnerId, g.Key.CloseDate, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct))
            .Select(x => (x.OwnerId, x.CloseDate, x.Sum)).ToList();
    }
}
