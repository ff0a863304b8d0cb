using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Mail;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Users;

/// <summary>
/// An invitation just issued. <see cref="Link"/> is the only copy of the token there will ever be: it is set when the
/// link was not emailed (no SMTP, or the send failed), for the admin to pass on.
/// </summary>
public sealed record IssuedInvitation(Guid UserId, string Email, DateTimeOffset ExpiresAt, bool Emailed, string? Link);

/// <summary>What an invitation link is worth when it is opened: the user it is for only while it is open.</summary>
public sealed record InvitationLookup(InvitationState? State, AppUser? User, DateTimeOffset? ExpiresAt);

public enum AcceptOutcome
{
    Accepted,
    NotOpen,
    Invalid,
}

/// <summary>
/// Issues, resends and accepts password invitations (docs/decisions/0037-password-invitations.md): the admin pages,
/// the API, the command line and the user import all go through here.
/// </summary>
public sealed class Invitations(
    AppDbContext db,
    UserManager<AppUser> users,
    MailSender mail,
    IHttpContextAccessor http,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<Invitations> logger)
{
    public const string Path = "/Auth/Invitation";

    /// <summary>A new invitation for one user, replacing any open one. Null when there is no such user.</summary>
    public async Task<IssuedInvitation?> IssueAsync(Guid userId, Guid? actorId, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return null;
        }

        if (user.PasswordHash is not null)
        {
            throw new InvalidStateException($"{user.Email} has already set a password, so there is nothing to invite them to. "
                + "Set a new password on their page instead.", "password");
        }

        if (!user.IsActive)
        {
            throw new InvalidStateException($"{user.Email} is deactivated. Activate them first, then invite them.", "isActive");
        }

        return (await IssueManyAsync([user], actorId, ct))[0];
    }

    /// <summary>
    /// Invitations for new users without a password (created by hand or by import), each replacing any open one, saved
    /// together and then emailed when SMTP is configured. A failed email leaves the invitation valid, with its link returned.
    /// </summary>
    public async Task<IReadOnlyList<IssuedInvitation>> IssueManyAsync(IReadOnlyList<AppUser> invitees, Guid? actorId, CancellationToken ct)
    {
        if (invitees.Count == 0)
        {
            return [];
        }

        var now = clock.GetUtcNow();
        var ids = invitees.Select(u => u.Id).ToList();
        var open = await db.PasswordInvitations.Where(i => ids.Contains(i.UserId) && i.UsedAt == null && i.ReplacedAt == null).ToListAsync(ct);
        var earlier = await db.PasswordInvitations.Where(i => ids.Contains(i.UserId)).Select(i => i.UserId).Distinct().ToListAsync(ct);
        foreach (var invitation in open)
        {
            invitation.Replace(now);
        }

        var issued = new List<(AppUser User, PasswordInvitation Invitation, string Token)>();
        foreach (var user in invitees)
        {
            var (invitation, token) = PasswordInvitation.Issue(user.Id, actorId, now);
            db.PasswordInvitations.Add(invitation);
            db.AuditEntries.Add(AuditEntry.Record(now, actorId, earlier.Contains(user.Id) ? "user.invitation.resent" : "user.invitation.issued",
                "User", user.Id.ToString(), JsonSerializer.Serialize(new { user.Email, invitation.ExpiresAt, emailed = mail.IsConfigured })));
            issued.Add((user, invitation, token));
        }

        await db.SaveChangesAsync(ct);

        var links = issued.Select(i => Link(i.Token)).ToList();
        var emailed = new bool[issued.Count];
        if (mail.IsConfigured)
        {
            await SendAsync(issued.Select((i, n) => (i.User, i.Invitation.ExpiresAt, links[n])).ToList(), emailed, ct);
        }

        return [.. issued.Select((i, n) => new IssuedInvitation(i.User.Id, i.User.Email!, i.Invitation.ExpiresAt, emailed[n], emailed[n] ? null : links[n]))];
    }

    /// <summary>What a link is worth. Unknown tokens, and any that are not open, name no user.</summary>
    public async Task<InvitationLookup> FindAsync(string? token, CancellationToken ct)
    {
        var invitation = await OfTokenAsync(token, ct);
        if (invitation is null)
        {
            return new(null, null, null);
        }

        var state = invitation.StateAt(clock.GetUtcNow());
        if (state != InvitationState.Open)
        {
            return new(state, null, invitation.ExpiresAt);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == invitation.UserId && u.IsActive && u.PasswordHash == null, ct);
        return user is null ? new(InvitationState.Replaced, null, invitation.ExpiresAt) : new(state, user, invitation.ExpiresAt);
    }

    /// <summary>
    /// Sets the password of the invitation's user and spends the invitation; the password is checked by the same
    /// validators as everywhere else. Errors are keyed "password" (input to fix) or "token" (the link is no longer open).
    /// </summary>
    public async Task<(AcceptOutcome Outcome, AppUser? User, Dictionary<string, string[]> Errors)> AcceptAsync(string? token, string? password,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var found = await FindAsync(token, ct);
        if (found.User is not { } user)
        {
            errors["token"] = [Explain(found)];
            return (AcceptOutcome.NotOpen, null, errors);
        }

        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password ?? "");
            if (!result.Succeeded)
            {
                errors["password"] = result.Errors.Select(e => e.Description).ToArray();
                return (AcceptOutcome.Invalid, user, errors);
            }
        }

        var now = clock.GetUtcNow();
        var hash = PasswordInvitation.Hash(token!);
        // Spent in one conditional UPDATE, so that of two tabs sending the same link at once only one sets the password.
        var claimed = await db.PasswordInvitations
            .Where(i => i.TokenHash == hash && i.UsedAt == null && i.ReplacedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now), ct);
        if (claimed != 1)
        {
            errors["token"] = [Explain(await FindAsync(token, ct))];
            return (AcceptOutcome.NotOpen, null, errors);
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, password!);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        db.SignInEvents.Add(Sessions.Event(http.HttpContext, SignInEventKind.PasswordChanged, user.Id, user.Email, now));
        db.AuditEntries.Add(AuditEntry.Record(now, user.Id, "user.invitation.accepted", "User", user.Id.ToString(),
            JsonSerializer.Serialize(new { user.Email })));
        await db.SaveChangesAsync(ct);
        return (AcceptOutcome.Accepted, user, errors);
    }

    /// <summary>Closes the user's open invitation, when their password is set another way; saved with the caller's changes.</summary>
    public static async Task CloseOpenAsync(AppDbContext db, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var open in await db.PasswordInvitations.Where(i => i.UserId == userId && i.UsedAt == null && i.ReplacedAt == null).ToListAsync(ct))
        {
            open.Replace(now);
        }
    }

    /// <summary>Why a link does not work, in words that name nobody.</summary>
    public static string Explain(InvitationLookup found) => found.State switch
    {
        InvitationState.Expired => $"This invitation expired on {Show.Date(found.ExpiresAt)}. Ask your Terrain administrator to send you a new one.",
        InvitationState.Used => "This invitation has already been used to set a password. Sign in with that password, or ask your administrator to reset it.",
        InvitationState.Replaced => "This invitation is no longer valid: a newer one was sent, or your password was set another way. "
            + "Use the latest invitation you received, or ask your administrator.",
        InvitationState.Open => "This invitation is no longer valid. Ask your administrator for a new one.",
        null => "This invitation link is not valid. Check that you copied all of it, or ask your administrator for a new one.",
        _ => throw new ArgumentOutOfRangeException(nameof(found), found.State, null),
    };

    private async Task<PasswordInvitation?> OfTokenAsync(string? token, CancellationToken ct)
    {
        // A token is 43 URL-safe characters; anything far off is not worth a query.
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }

        var hash = PasswordInvitation.Hash(token.Trim());
        return await db.PasswordInvitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
    }

    /// <summary>The link to hand out: absolute with Terrain:PublicUrl, else on the address of the request, else a path.</summary>
    private string Link(string token)
    {
        var path = $"{Path}?token={Uri.EscapeDataString(token)}";
        if (TerrainOptions.PublicUrl(configuration) is { } publicUrl)
        {
            return publicUrl.ToString().TrimEnd('/') + path;
        }

        return http.HttpContext?.Request is { } request ? $"{request.Scheme}://{request.Host}{request.PathBase}{path}" : path;
    }

    private async Task SendAsync(List<(AppUser User, DateTimeOffset ExpiresAt, string Link)> invitations, bool[] emailed, CancellationToken ct)
    {
        try
        {
            await using var session = await mail.OpenAsync(ct);
            for (var n = 0; n < invitations.Count && session.IsConnected; n++)
            {
                try
                {
                    using var message = Compose(invitations[n].User, invitations[n].ExpiresAt, invitations[n].Link);
                    await session.SendAsync(message, ct);
                    emailed[n] = true;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Emailing the invitation of user {UserId} failed; its link is shown to the admin instead.", invitations[n].User.Id);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The mail server could not be reached; {Count} invitation link(s) are shown to the admin instead.", invitations.Count);
        }
    }

    private static MimeMessage Compose(AppUser user, DateTimeOffset expiresAt, string link)
    {
        var message = new MimeMessage();
        message.To.Add(new MailboxAddress(user.DisplayName, user.Email!));
        message.Subject = "You are invited to Terrain";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        var until = Show.Date(expiresAt);
        var text = $"Hello {user.DisplayName},\n\nAn account has been created for you in Terrain. Set your password here (the link works once, until {until}):\n\n{link}\n\n"
            + "If you did not expect this, ignore this email.\n";
        var html = $"<p>Hello {WebUtility.HtmlEncode(user.DisplayName)},</p>\n<p>An account has been created for you in Terrain. "
            + $"<a href=\"{WebUtility.HtmlEncode(link)}\">Set your password</a> (the link works once, until {WebUtility.HtmlEncode(until)}).</p>\n"
            + "<p>If you did not expect this, ignore this email.</p>\n";
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
