using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Features.Reminders;

/// <summary>
/// Sends the deadline reminders of every open cycle as in-app notifications: to reps before the draft deadline
/// and once it has passed, and to managers when an approval is waiting and near or past its deadline.
/// Each reminder has a key naming its event; the database refuses a second one with the same key for the same
/// person, so running this again, or on several instances at once, never sends a duplicate.
/// </summary>
public sealed class DeadlineReminders(AppDbContext db, TimeProvider clock, ILogger<DeadlineReminders> logger)
{
    /// <summary>How many days before a deadline the reminder goes out.</summary>
    public const int DaysBefore = 3;

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cycles = await db.Cycles.AsNoTracking().Where(c => c.Status == CycleStatus.Open).ToListAsync(ct);
        var due = new List<Notification>();
        foreach (var cycle in cycles)
        {
            var plans = await (from p in db.Plans.AsNoTracking().Where(p => p.CycleId == cycle.Id)
                               join rep in db.Users on p.OwnerId equals rep.Id
                               where rep.IsActive
                               select new { Plan = p, rep.DisplayName, rep.ManagerId }).ToListAsync(ct);
            foreach (var row in plans)
            {
                due.AddRange(For(cycle, row.Plan, row.DisplayName, row.ManagerId, now));
            }

            due.AddRange(await ReviewsClosingAsync(cycle, now, ct));
        }

        return await SaveNewAsync(due, ct);
    }

    /// <summary>A review whose window closes within <see cref="DaysBefore"/> days and is not completed: its manager and its rep hear of it (ADR 0025).</summary>
    private async Task<List<Notification>> ReviewsClosingAsync(PlanningCycle cycle, DateTimeOffset now, CancellationToken ct)
    {
        var today = Deadlines.LocalDate(now, cycle.TimeZone);
        var reviews = await (from r in db.Reviews.AsNoTracking()
                             where r.CycleId == cycle.Id && r.CompletedAt == null && (r.WindowEnd >= today || r.ScheduledOn >= today)
                             join rep in db.Users on r.RepId equals rep.Id
                             where rep.IsActive
                             select new { Review = r, rep.DisplayName }).ToListAsync(ct);
        var due = new List<Notification>();
        foreach (var row in reviews.Where(x => x.Review.DueBy.DayNumber - today.DayNumber is >= 0 and <= DaysBefore))
        {
            var r = row.Review;
            var key = $"review-due:{r.Id}:{r.DueBy:yyyyMMdd}";
            var by = r.DueBy.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
            due.Add(Notification.Create(r.RepId, key, "Your performance review is due", $"Your {cycle.Name} review {r.Number} is due by {by}: add your self-assessment and forecast call before it.", $"/Reviews/{r.Id}", now));
            if (r.ManagerId is { } manager)
            {
                due.Add(Notification.Create(manager, key, $"Review {row.DisplayName} by {by}", $"{row.DisplayName}'s {cycle.Name} review {r.Number} counts as held only if completed by {by}.", $"/Reviews/{r.Id}", now));
            }
        }

        return due;
    }

    private static IEnumerable<Notification> For(PlanningCycle cycle, Plan plan, string repName, Guid? managerId, DateTimeOffset now)
    {
        var link = $"/Cycles/Board/{cycle.Id}";
        if (plan.HasLeft)
        {
            yield break;
        }

        var draftDue = plan.DraftDueIn(cycle).ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        var dueKey = plan.DraftDueIn(cycle).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        if (plan.OwesFirstDraft)
        {
            var daysLeft = Deadlines.DaysLeft(now, plan.DraftDeadline(cycle), cycle.TimeZone);
            if (daysLeft is >= 0 and <= DaysBefore)
            {
                yield return Notification.Create(plan.OwnerId, $"draft-due:{plan.Id}:{dueKey}",
                    $"Your {cycle.Name} draft is due {draftDue}",
                    daysLeft == 0 ? "Your draft plan is due today. Submit it for your manager's review." : $"Your draft plan is due in {daysLeft} day(s). Submit it for your manager's review.",
                    "/", now);
            }
            else if (daysLeft < 0)
            {
                yield return Notification.Create(plan.OwnerId, $"draft-overdue:{plan.Id}:{dueKey}",
                    $"Your {cycle.Name} draft is overdue", $"Your draft plan was due {draftDue}. Submit it as soon as you can.", "/", now);
                if (managerId is { } manager)
                {
                    yield return Notification.Create(manager, $"draft-overdue:{plan.Id}:{dueKey}",
                        $"{repName}'s {cycle.Name} draft is overdue", $"{repName}'s draft plan was due {draftDue} and has not been submitted.", link, now);
                }
            }
        }

        // Only a plan waiting for the manager: after "changes requested" the next move is the rep's.
        if (plan.Status == PlanStatus.Submitted && plan.ApprovalDeadline(cycle) is { } deadline && managerId is { } reviewer)
        {
            var daysLeft = Deadlines.DaysLeft(now, deadline, cycle.TimeZone);
            var round = $"{plan.Id}:v{plan.WorkingVersion}:{plan.FirstSubmittedAt!.Value.UtcTicks}";
            var by = deadline.AddTicks(-1).ToString("d MMM yyyy", CultureInfo.InvariantCulture);
            if (daysLeft is >= 0 and <= DaysBefore)
            {
                yield return Notification.Create(reviewer, $"approval-due:{round}",
                    $"{repName}'s {cycle.Name} plan is waiting for your approval",
                    $"Review it by {by}: the approval window closes in {daysLeft} day(s).", link, now);
            }
            else if (daysLeft < 0)
            {
                yield return Notification.Create(reviewer, $"approval-overdue:{round}",
                    $"{repName}'s {cycle.Name} plan is past its approval window",
                    $"It should have been approved by {by}. Approve it or request changes.", link, now);
            }
        }
    }

    private async Task<int> SaveNewAsync(List<Notification> due, CancellationToken ct)
    {
        if (due.Count == 0)
        {
            return 0;
        }

        var users = due.Select(n => n.UserId).Distinct().ToList();
        var keys = due.Select(n => n.Key).Distinct().ToList();
        var sent = (await db.Notifications.AsNoTracking().Where(n => users.Contains(n.UserId) && keys.Contains(n.Key))
            .Select(n => new { n.UserId, n.Key }).ToListAsync(ct)).Select(n => (n.UserId, n.Key)).ToHashSet();
        var fresh = due.Where(n => !sent.Contains((n.UserId, n.Key))).DistinctBy(n => (n.UserId, n.Key)).ToList();
        if (fresh.Count == 0)
        {
            return 0;
        }

        db.Notifications.AddRange(fresh);
        try
        {
            await db.SaveChangesAsync(ct);
            return fresh.Count;
        }
        catch (DbUpdateException)
        {
            // Another instance sent some of these between our check and our insert: keep the ones it did not.
            db.ChangeTracker.Clear();
            var saved = 0;
            foreach (var notification in fresh)
            {
                db.Notifications.Add(notification);
                try
                {
                    await db.SaveChangesAsync(ct);
                    saved++;
                }
                catch (DbUpdateException)
                {
                    logger.LogDebug("Reminder {Key} for {User} was already sent.", notification.Key, notification.UserId);
                }

                db.ChangeTracker.Clear();
            }

            return saved;
        }
    }
}

/// <summary>
/// Runs the reminders on a timer, then emails them when SMTP is configured. Safe on several instances at once: see
/// <see cref="DeadlineReminders"/> and <see cref="NotificationMailer"/>. A run that fails (the database away for longer
/// than its retries, a timeout) is logged and tried again on the next tick: an exception that escaped would stop the
/// host, and only shutting down ends the loop.
/// </summary>
public sealed class ReminderService(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<ReminderService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Terrain:Reminders", true))
        {
            return;
        }

        var interval = TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Terrain:ReminderIntervalMinutes", 15)));
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var sent = await scope.ServiceProvider.GetRequiredService<DeadlineReminders>().RunOnceAsync(stoppingToken);
                if (sent > 0)
                {
                    logger.LogInformation("Sent {Count} deadline reminder(s).", sent);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "The deadline reminders failed; they will be tried again.");
            }

            // Separately: an in-app reminder never waits for, or fails with, the mail server.
            try
            {
                await using var scope = services.CreateAsyncScope();
                var emailed = await scope.ServiceProvider.GetRequiredService<NotificationMailer>().RunOnceAsync(stoppingToken);
                if (emailed > 0)
                {
                    logger.LogInformation("Emailed {Count} notification(s).", emailed);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Emailing notifications failed; they will be tried again.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
