using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.TerritoryDesign;
using Terrain.Features.TerritoryDesign.Balancing;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>
/// Runs queued scenarios in the background, in every instance (ADR 0044), as the import worker runs imports: the
/// database decides who runs what (queued to running in one conditional update), the run writes its phase, percentage
/// and heartbeat every half second, and reads whether someone asked it to stop. A run whose heartbeat stops (its
/// instance died) fails after <see cref="Lease"/>, so a scenario never stays "running" for ever. The optimizer gets a
/// time budget by size: 5 s up to 5,000 accounts, rising to 110 s at 200,000.
/// </summary>
public sealed class ScenarioWorker(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<ScenarioWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _wake = new(0, 1);

    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    /// <summary>The optimizer's time budget for this many accounts.</summary>
    public static TimeSpan Budget(int accounts) =>
        TimeSpan.FromSeconds(accounts <= 5_000 ? 5 : Math.Min(110, 5 + ((accounts - 5_000) * 105.0 / 195_000)));

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    /// <summary>Stops a run of this instance at once; one elsewhere stops when its next progress write reads the request.</summary>
    public void CancelHere(Guid id)
    {
        if (_running.TryGetValue(id, out var run))
        {
            run.Cancel();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = configuration.GetValue("Terrain:ScenarioPollInterval", TimeSpan.FromSeconds(10));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunQueuedAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Looking for queued scenarios failed; trying again at the next poll.");
            }

            try
            {
                await _wake.WaitAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Fails the runs that dead instances left, then runs queued scenarios until none can be claimed.</summary>
    public async Task RunQueuedAsync(CancellationToken ct)
    {
        while (true)
        {
            await FailStaleAsync(ct);
            var claimed = await ClaimNextAsync(ct);
            if (claimed is null)
            {
                return;
            }

            await RunClaimedAsync(claimed.Value, ct);
        }
    }

    private async Task FailStaleAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var cutoff = now - Lease;
        if (!await db.TerritoryScenarios.AnyAsync(s => s.Status == ScenarioStatus.Running && s.HeartbeatAt < cutoff, ct))
        {
            return;
        }

        await db.TerritoryScenarios.Where(s => s.Status == ScenarioStatus.Running && s.HeartbeatAt < cutoff)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, ScenarioStatus.Failed)
                .SetProperty(x => x.Phase, "Failed")
                .SetProperty(x => x.FailureReason, "The instance running this scenario stopped answering. Run it again.")
                .SetProperty(x => x.Version, Guid.NewGuid()), ct);
    }

    private async Task<Guid?> ClaimNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var queued = await db.TerritoryScenarios.AsNoTracking().Where(s => s.Status == ScenarioStatus.Queued)
            .OrderBy(s => s.UpdatedAt).ThenBy(s => s.Id).Select(s => s.Id).Take(20).ToListAsync(ct);
        foreach (var id in queued)
        {
            var now = clock.GetUtcNow();
            var claimed = await db.TerritoryScenarios.Where(s => s.Id == id && s.Status == ScenarioStatus.Queued)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, ScenarioStatus.Running)
                    .SetProperty(x => x.Phase, "Starting")
                    .SetProperty(x => x.Percent, 0)
                    .SetProperty(x => x.HeartbeatAt, now)
                    .SetProperty(x => x.Version, Guid.NewGuid()), ct);
            if (claimed == 1)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>Runs a claimed scenario to its end: proposed, cancelled or failed.</summary>
    public async Task RunClaimedAsync(Guid id, CancellationToken ct)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _running[id] = run;
        var progress = new Progress();
        using var reporting = new CancellationTokenSource();
        var reporter = ReportAsync(id, progress, run, reporting.Token);
        try
        {
            ScenarioSnapshot? snapshot;
            await using (var scope = scopes.CreateAsyncScope())
            {
                snapshot = await ScenarioSnapshot.LoadAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), id, run.Token);
            }

            if (snapshot is null)
            {
                return;
            }

            if (snapshot.Territories.Count == 0)
            {
                await FinishAsync(id, ScenarioStatus.Failed, "No territory is left in this scenario's scope: refresh it, or make a new one.", null, null, CancellationToken.None);
                return;
            }

            var problem = snapshot.Problem();
            var options = new BalancingOptions
            {
                Seed = 1,
                TimeBudget = Budget(problem.Accounts.Count),
                ImprovementRounds = configuration.GetValue<int?>("Terrain:ScenarioImprovementRounds"),
            };
            var result = await Task.Run(() => TerritoryBalancer.Balance(problem, options, progress, run.Token), run.Token);
            run.Token.ThrowIfCancellationRequested();
            await reporting.CancelAsync();
            await reporter;
            var outcome = new ScenarioOutcome(result.Status.ToString(), result.Reasons, result.Figures.WithinTolerance,
                result.Figures.Potential.MaxDeviationPercent, result.Figures.Workload.MaxDeviationPercent,
                result.Figures.Potential.CoefficientOfVariation, result.Figures.Workload.CoefficientOfVariation,
                result.Figures.CompactnessKm, result.Figures.AccountsMoved, result.DisruptionLowerBound, result.StoppedEarly, result.Elapsed.TotalSeconds,
                result.Figures.AccountsPlaced);
            await FinishAsync(id, ScenarioStatus.Proposed, null, outcome, (snapshot, result.Assignment), CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the scenario goes back to the queue.
            await StopReporterAsync(reporting, reporter);
            await RequeueAsync(id);
        }
        catch (OperationCanceledException)
        {
            await StopReporterAsync(reporting, reporter);
            await FinishAsync(id, ScenarioStatus.Cancelled, null, null, null, CancellationToken.None);
        }
        catch (Exception e)
        {
            await StopReporterAsync(reporting, reporter);
            logger.LogError(e, "Scenario {Id} failed.", id);
            var message = $"The optimizer stopped with an error: {e.GetBaseException().Message}";
            await FinishAsync(id, ScenarioStatus.Failed, message.Length <= TerritoryScenario.MaxReason ? message : message[..TerritoryScenario.MaxReason], null, null,
                CancellationToken.None);
        }
        finally
        {
            _running.TryRemove(id, out _);
            await StopReporterAsync(reporting, reporter);
        }
    }

    private static async Task StopReporterAsync(CancellationTokenSource reporting, Task reporter)
    {
        if (!reporting.IsCancellationRequested)
        {
            await reporting.CancelAsync();
        }

        await reporter;
    }

    private async Task ReportAsync(Guid id, Progress progress, CancellationTokenSource run, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var (phase, percent) = progress.Snapshot;
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                    var now = clock.GetUtcNow();
                    await db.TerritoryScenarios.Where(s => s.Id == id && s.Status == ScenarioStatus.Running)
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.Phase, phase).SetProperty(x => x.Percent, percent).SetProperty(x => x.HeartbeatAt, now), stop);
                    var state = await db.TerritoryScenarios.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.Status, s.CancelRequested }).SingleOrDefaultAsync(stop);
                    if (state is null || state.CancelRequested || state.Status != ScenarioStatus.Running)
                    {
                        await run.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    logger.LogDebug(e, "The progress of scenario {Id} could not be written.", id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    private async Task FinishAsync(Guid id, ScenarioStatus status, string? failure, ScenarioOutcome? outcome, (ScenarioSnapshot Snapshot, int[] Assignment)? proposal,
        CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await UnitOfWork.RunAsync(db, async token =>
            {
                if (proposal is { } p)
                {
                    await WriteProposalAsync(db, id, p.Snapshot, p.Assignment, token);
                }

                var json = outcome is null ? null : JsonSerializer.Serialize(outcome, JsonSerializerOptions.Web);
                var phase = status switch
                {
                    ScenarioStatus.Proposed => "Done",
                    ScenarioStatus.Cancelled => "Cancelled",
                    _ => "Failed",
                };
                await db.TerritoryScenarios.Where(s => s.Id == id && s.Status == ScenarioStatus.Running)
                    .ExecuteUpdateAsync(s =>
                    {
                        s.SetProperty(x => x.Status, status)
                            .SetProperty(x => x.Phase, phase)
                            .SetProperty(x => x.Percent, status == ScenarioStatus.Proposed ? 100 : 0)
                            .SetProperty(x => x.CancelRequested, false)
                            .SetProperty(x => x.FailureReason, failure)
                            .SetProperty(x => x.Version, Guid.NewGuid());
                        if (status == ScenarioStatus.Proposed)
                        {
                            s.SetProperty(x => x.Result, json);
                        }
                    }, token);
            }, ct, inTransaction: true);
        }
        catch (Exception e)
        {
            logger.LogError(e, "The end of scenario {Id} could not be recorded; the lease fails it later.", id);
        }
    }

    private static async Task WriteProposalAsync(AppDbContext db, Guid id, ScenarioSnapshot snapshot, int[] assignment, CancellationToken ct)
    {
        var target = new Dictionary<Guid, Guid?>(snapshot.Placed.Count);
        for (var i = 0; i < snapshot.Placed.Count; i++)
        {
            var (account, row) = snapshot.Placed[i];
            // An account no territory may take stays where it was.
            target[account.Id] = assignment[i] >= 0 ? snapshot.Territories[assignment[i]].Id : row.BaseTerritoryId;
        }

        // Hand edits are replaced by the proposal; accounts without coordinates go back to where they were.
        foreach (var (account, row) in snapshot.NotPlaced)
        {
            target[account.Id] = row.BaseTerritoryId;
        }

        var changed = snapshot.Placed.Concat(snapshot.NotPlaced).Where(p => p.Row.TerritoryId != target[p.Account.Id]).Select(p => p.Account.Id).ToList();
        foreach (var chunk in changed.Chunk(2_000))
        {
            var rows = await db.ScenarioAssignments.Where(r => r.ScenarioId == id && chunk.Contains(r.AccountId)).ToListAsync(ct);
            foreach (var row in rows)
            {
                row.MoveTo(target[row.AccountId]);
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    private async Task RequeueAsync(Guid id)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.TerritoryScenarios.Where(s => s.Id == id && s.Status == ScenarioStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ScenarioStatus.Queued).SetProperty(x => x.Phase, "Queued again"), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Scenario {Id} could not be queued again on shutdown; the lease fails it later.", id);
        }
    }

    /// <summary>The optimizer's latest phase, as a label and one percentage for the whole run.</summary>
    private sealed class Progress : IProgress<BalancingProgress>
    {
        private readonly Lock _gate = new();
        private (string Phase, int Percent) _current = ("Starting", 0);

        public (string Phase, int Percent) Snapshot
        {
            get
            {
                lock (_gate)
                {
                    return _current;
                }
            }
        }

        public void Report(BalancingProgress value)
        {
            var within = value.Steps > 0 ? Math.Clamp((double)value.Step / value.Steps, 0, 1) : 0;
            var (label, from, to) = value.Phase switch
            {
                BalancingPhase.Construction => ("Building a first alignment", 0, 30),
                BalancingPhase.LocalSearch => ("Improving by local search", 30, 60),
                BalancingPhase.IteratedLocalSearch => ("Searching further", 60, 99),
                BalancingPhase.Done => ("Saving", 99, 99),
                _ => throw new ArgumentOutOfRangeException(nameof(value), value.Phase, "A phase without a label."),
            };
            lock (_gate)
            {
                _current = (label, from + (int)((to - from) * within));
            }
        }
    }
}
