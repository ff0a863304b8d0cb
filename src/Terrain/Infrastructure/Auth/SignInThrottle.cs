using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Infrastructure.Auth;

/// <summary>How many failed sign-ins are free, and how fast the wait grows after them (Terrain:SignIn; docs/decisions/0016).</summary>
public sealed class SignInLimits
{
    public const string Section = "Terrain:SignIn";

    /// <summary>Failures from one client address, whatever the account, before it has to wait.</summary>
    public int FreeFailuresPerClient { get; set; } = 10;

    /// <summary>Failures for one account from one client address before that pair has to wait.</summary>
    public int FreeFailuresPerAccountAndClient { get; set; } = 5;

    /// <summary>Failures for one account from everywhere before clients that have failed recently have to wait for it.</summary>
    public int FreeFailuresPerAccount { get; set; } = 20;

    /// <summary>A counter is forgotten this long after its last failure.</summary>
    public int WindowMinutes { get; set; } = 60;

    /// <summary>The longest wait; the first wait is one second, doubling with each failure after the free ones.</summary>
    public int MaxDelaySeconds { get; set; } = 900;
}

/// <summary>The counters one sign-in attempt is judged by.</summary>
public sealed record SignInKeys(string Client, string Account, string AccountFromClient)
{
    public string[] All => [Client, Account, AccountFromClient];

    /// <summary>
    /// Keys hold a hash of the normalised email, known or not, so that an unknown email is throttled exactly like a
    /// known one and the counters table holds no addresses.
    /// </summary>
    public static SignInKeys For(string normalizedEmail, string client)
    {
        var account = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)))[..32];
        return new($"c:{client}", $"a:{account}", $"p:{account}:{client}");
    }
}

/// <summary>
/// Slows guessing down, by client address and by account, with counters in the database so that every instance
/// enforces the same limits. Never blocks an account outright: a client with no recent failures for an account is not held
/// back by failures elsewhere against it, so nobody can lock the real user out.
/// </summary>
public sealed class SignInThrottle(AppDbContext db, TimeProvider clock, IOptions<SignInLimits> options)
{
    private SignInLimits Limits => options.Value;

    private TimeSpan Window => TimeSpan.FromMinutes(Limits.WindowMinutes);

    /// <summary>How long this attempt must wait before its password is even looked at; zero when it may go ahead.</summary>
    public async Task<TimeSpan> WaitAsync(SignInKeys keys, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var since = now - Window;
        var all = keys.All;
        var counters = await db.SignInCounters.AsNoTracking()
            .Where(c => all.Contains(c.Key) && c.LastFailureAt > since)
            .ToDictionaryAsync(c => c.Key, ct);

        var wait = TimeSpan.Zero;
        if (counters.TryGetValue(keys.Client, out var client))
        {
            wait = Max(wait, WaitFor(client, Limits.FreeFailuresPerClient, now));
        }

        if (counters.TryGetValue(keys.AccountFromClient, out var pair))
        {
            wait = Max(wait, WaitFor(pair, Limits.FreeFailuresPerAccountAndClient, now));
            // Only a client that has recently failed for this account is held back by failures against it from
            // elsewhere: the real user, on a device that has not been guessing, always gets to try their password.
            if (counters.TryGetValue(keys.Account, out var account))
            {
                wait = Max(wait, WaitFor(account, Limits.FreeFailuresPerAccount, now));
            }
        }

        return wait;
    }

    /// <summary>Counts a failed attempt under each of its keys.</summary>
    public async Task RecordFailureAsync(SignInKeys keys, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var key in keys.All)
        {
            await BumpAsync(key, now, ct);
        }

        var forgotten = now - Window;
        await db.SignInCounters.Where(c => c.LastFailureAt < forgotten).ExecuteDeleteAsync(ct);
    }

    /// <summary>The real user got in from this client: their typos from here are forgiven (the client's and the account's counts stay).</summary>
    public Task RecordSuccessAsync(SignInKeys keys, CancellationToken ct) =>
        db.SignInCounters.Where(c => c.Key == keys.AccountFromClient).ExecuteDeleteAsync(ct);

    private async Task BumpAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - Window;
        for (var attempt = 0; ; attempt++)
        {
            var changed = await db.SignInCounters.Where(c => c.Key == key).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Failures, c => c.LastFailureAt > since ? c.Failures + 1 : 1)
                .SetProperty(c => c.LastFailureAt, now), ct);
            if (changed > 0)
            {
                return;
            }

            var counter = SignInCounter.First(key, now);
            db.SignInCounters.Add(counter);
            try
            {
                await db.SaveChangesAsync(ct);
                db.Entry(counter).State = EntityState.Detached;
                return;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another instance inserted the same key first: count on its row.
                db.Entry(counter).State = EntityState.Detached;
            }
        }
    }

    private TimeSpan WaitFor(SignInCounter counter, int free, DateTimeOffset now)
    {
        if (counter.Failures < free)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(counter.Failures - free, 30);
        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, doublings), Limits.MaxDelaySeconds));
        var until = counter.LastFailureAt + delay;
        return until > now ? until - now : TimeSpan.Zero;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// The client as the throttle sees it: an IPv4 address, or the /64 network of an IPv6 one (one subscriber
    /// usually holds a whole /64, so single addresses would be free to rotate).
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "unknown";
}
