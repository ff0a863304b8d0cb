using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Features.Imports;

/// <summary>
/// Imports users matched on email. Managers may appear after their reps in the file, so rows are placed in
/// reporting order first. Imported users have no password: each new one is invited to set their own.
/// </summary>
public sealed class UserImporter(AppDbContext db, Users.Invitations invitations, TimeProvider clock, ILogger<UserImporter> logger, ImportLease? lease = null)
{
    public static readonly CsvColumn Email = new("email", true, "email_address");
    public static readonly CsvColumn DisplayName = new("display_name", true, "name", "full_name");
    public static readonly CsvColumn RoleColumn = new("role", true);
    public static readonly CsvColumn ManagerEmail = new("manager_email", false, "manager");

    public static readonly IReadOnlyList<CsvColumn> Columns = [Email, DisplayName, RoleColumn, ManagerEmail];

    private sealed record Candidate(CsvRow Row, string Email, string DisplayName, Role Role, string ManagerEmail);

    public async Task<ImportReport> ImportAsync(Stream csv, bool partial, Guid? actorId,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var (rows, issues, unreadable) = ImportFile.Read(ImportKind.Users, csv, Columns, partial, progress);
        if (unreadable is not null)
        {
            return unreadable;
        }

        // Checked against the database afresh when a transient failure runs it again, so the report says what was saved.
        var report = await UnitOfWork.RunAsync(db, token => ApplyAsync(rows, [.. issues], partial, actorId, progress, token), ct);
        if (report.Applied && _created.Count > 0)
        {
            // After the users are saved: an email never goes out for a user the database refused.
            await invitations.IssueManyAsync(_created, actorId, ct);
        }

        return report;
    }

    private readonly List<AppUser> _created = [];

    private async Task<ImportReport> ApplyAsync(List<CsvRow> rows, List<ImportIssue> issues, bool partial, Guid? actorId,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        _created.Clear();
        var users = await db.Users.Include(u => u.Manager).ToDictionaryAsync(u => u.Email!, StringComparer.OrdinalIgnoreCase, ct);
        var candidates = new Dictionary<string, Candidate>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            var candidate = Parse(row, candidates, issues);
            if (candidate is not null)
            {
                candidates[candidate.Email] = candidate;
            }
        }

        // Role changes are judged on the organisation as it will be after this file: reports it moves away no
        // longer hold their old manager to the role, and admins it demotes no longer count.
        var owned = await db.Accounts.Where(a => a.OwnerId != null).GroupBy(a => a.OwnerId)
            .Select(g => new { Owner = g.Key!.Value, Count = g.Count() }).ToDictionaryAsync(g => g.Owner, g => g.Count, ct);
        var finalManager = users.Values.Where(u => u.IsActive).ToDictionary(u => u.Email!, u => u.Manager?.Email ?? "", StringComparer.OrdinalIgnoreCase);
        foreach (var c in candidates.Values)
        {
            finalManager[c.Email] = c.ManagerEmail;
        }

        var reportsAfter = finalManager.Where(m => m.Value.Length > 0).GroupBy(m => m.Value, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        // Imported users have no password, so only admins already here can still administer after the file.
        var now = clock.GetUtcNow();
        var adminsAfter = users.Values.Where(u => OrgRules.CanAdminister(u, now)
            && (!candidates.TryGetValue(u.Email!, out var c) || c.Role == Role.Admin)).ToHashSet();

        int created = 0, updated = 0, unchanged = 0;
        var changed = new List<AppUser>();
        var pending = candidates.Values.ToList();
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var failed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (pending.Count > 0)
        {
            // A row is ready once its manager is settled: already in the database and not in the file, or done.
            var ready = pending.Where(c => c.ManagerEmail.Length == 0
                || done.Contains(c.ManagerEmail)
                || failed.Contains(c.ManagerEmail)
                || (!candidates.ContainsKey(c.ManagerEmail))).ToList();
            if (ready.Count == 0)
            {
                foreach (var c in pending)
                {
                    issues.Add(new ImportIssue(c.Row.Line, ManagerEmail.Name, $"'{c.ManagerEmail}' is part of a reporting loop in this file."));
                }

                break;
            }

            foreach (var candidate in ready)
            {
                pending.Remove(candidate);
                var issue = Apply(candidate);
                if (issue is null)
                {
                    done.Add(candidate.Email);
                }
                else
                {
                    failed.Add(candidate.Email);
                    issues.Add(issue);
                }
            }

            progress?.Report(new ImportProgress("Checking", candidates.Count - pending.Count, candidates.Count));
        }

        var rejected = issues.OrderBy(i => i.Line).ToList();
        if (rejected.Count > 0 && !partial)
        {
            return ImportReport.Failed(ImportKind.Users, rows.Count, rejected, partial);
        }

        var report = new ImportReport(ImportKind.Users, rows.Count, created, updated, unchanged, rejected, partial, Applied: true);
        await Features.Cycles.RepPlans.FollowAsync(db, [.. changed], actorId, now, ct);
        report = await ImportFile.SaveAsync(db, report, actorId, now, logger, lease, ct);
        if (!report.Applied)
        {
            return report;
        }

        progress?.Report(new ImportProgress("Saving", rows.Count, rows.Count));
        return report;

        ImportIssue? Apply(Candidate c)
        {
            AppUser? manager = null;
            if (c.ManagerEmail.Length > 0)
            {
                if (failed.Contains(c.ManagerEmail))
                {
                    return new ImportIssue(c.Row.Line, ManagerEmail.Name, $"The row for manager '{c.ManagerEmail}' was rejected.");
                }

                if (!users.TryGetValue(c.ManagerEmail, out manager))
                {
                    return new ImportIssue(c.Row.Line, ManagerEmail.Name, $"No user has the email '{c.ManagerEmail}', in Terrain or in this file.");
                }
            }

            try
            {
                if (users.TryGetValue(c.Email, out var user))
                {
                    var same = user.DisplayName == c.DisplayName && user.Role == c.Role && user.ManagerId == manager?.Id;
                    if (same)
                    {
                        unchanged++;
                        return null;
                    }

                    OrgRules.EnsureRoleChangeAllowed(user, c.Role, reportsAfter.GetValueOrDefault(c.Email), owned.GetValueOrDefault(user.Id));
                    OrgRules.EnsureAdministrationRemains(user, c.Role, user.IsActive, adminsAfter.Count(a => a != user), now);
                    user.Update(c.DisplayName, c.Role, manager);
                    changed.Add(user);
                    updated++;
                }
                else
                {
                    user = AppUser.Create(c.Email, c.DisplayName, c.Role, manager, now);
                    db.Users.Add(user);
                    users[c.Email] = user;
                    changed.Add(user);
                    _created.Add(user);
                    created++;
                }
            }
            catch (DomainException e)
            {
                return new ImportIssue(c.Row.Line, AccountImporter.ColumnFor(e.Field), e.Message);
            }

            return null;
        }
    }

    private static Candidate? Parse(CsvRow row, Dictionary<string, Candidate> seen, List<ImportIssue> issues)
    {
        string email;
        try
        {
            email = OrgRules.NormalizeEmail(row.Get(Email));
        }
        catch (DomainException e)
        {
            issues.Add(new ImportIssue(row.Line, Email.Name, e.Message));
            return null;
        }

        if (seen.TryGetValue(email, out var first))
        {
            issues.Add(new ImportIssue(row.Line, Email.Name, $"The email '{email}' already appears on line {first.Row.Line}."));
            return null;
        }

        if (!Roles.TryParse(row.Get(RoleColumn), out var role))
        {
            issues.Add(new ImportIssue(row.Line, RoleColumn.Name, $"Unknown role '{row.Get(RoleColumn)}'. Use one of: {Roles.Names}."));
            return null;
        }

        var managerEmail = row.Get(ManagerEmail).ToLowerInvariant();
        if (string.Equals(managerEmail, email, StringComparison.OrdinalIgnoreCase))
        {
            issues.Add(new ImportIssue(row.Line, ManagerEmail.Name, "A user cannot be their own manager."));
            return null;
        }

        var displayName = row.Get(DisplayName);
        if (displayName.Length == 0)
        {
            issues.Add(new ImportIssue(row.Line, DisplayName.Name, "A display name is required."));
            return null;
        }

        return new Candidate(row, email, displayName, role, managerEmail);
    }
}
