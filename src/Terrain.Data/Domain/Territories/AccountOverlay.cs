namespace Terrain.Domain.Territories;

/// <summary>
/// An overlay rep on an account: a specialist who shares it with its owner and is credited a split of its deals. Overlay
/// splits are on top of the owner's credit and need not total 100% (DOMAIN.md, crediting); the owner stays the owner.
/// </summary>
public sealed class AccountOverlay
{
    public const int MaxRole = 100;

    private AccountOverlay()
    {
    }

    public Guid Id { get; private set; }

    public Guid AccountId { get; private set; }

    public Guid RepId { get; private set; }

    /// <summary>The share of the account's deals credited to the overlay rep, in percent (0.01 to 100).</summary>
    public decimal CreditPercent { get; private set; }

    /// <summary>What the overlay rep brings, e.g. "Solutions specialist".</summary>
    public string Role { get; private set; } = "";

    /// <summary>
    /// The first close date credited (ADR 0046, amendment): deals of the account closed before it are not the overlay
    /// rep's. Overlays set before overlays were dated start at <see cref="DateOnly.MinValue"/>.
    /// </summary>
    public DateOnly EffectiveFrom { get; private set; }

    /// <summary>The last close date credited, set when the overlay is removed; null while it lasts.</summary>
    public DateOnly? EffectiveTo { get; private set; }

    public Guid Version { get; private set; }

    public static AccountOverlay Create(Account account, AppUser rep, decimal creditPercent, string? role, DateTimeOffset now, DateOnly effectiveFrom)
    {
        Territory.EnsureCanCover(rep);
        if (account.OwnerId == rep.Id)
        {
            throw new DomainException($"{rep.DisplayName} owns this account; an overlay rep is someone else who shares it.", "repId");
        }

        var overlay = new AccountOverlay
        {
            Id = Guid.CreateVersion7(now),
            AccountId = account.Id,
            RepId = rep.Id,
            EffectiveFrom = effectiveFrom,
        };
        overlay.Change(creditPercent, role);
        return overlay;
    }

    public void Change(decimal creditPercent, string? role)
    {
        if (creditPercent is <= 0 or > 100 || decimal.Round(creditPercent, 2) != creditPercent)
        {
            throw new DomainException("The credit split is a percentage above 0 and at most 100, with at most two decimals.", "creditPercent");
        }

        var trimmed = role?.Trim() ?? "";
        if (trimmed.Length > MaxRole)
        {
            throw new DomainException($"The role is longer than {MaxRole} characters.", "role");
        }

        CreditPercent = creditPercent;
        Role = Text.EnsurePrintable(trimmed, "role");
        Version = Guid.NewGuid();
    }

    /// <summary>
    /// Removes the overlay from <paramref name="day"/> on: deals closed up to the day before stay credited (the row is
    /// kept). An overlay that had not started yet credits nothing.
    /// </summary>
    public void End(DateOnly day)
    {
        if (EffectiveTo is not null)
        {
            throw new InvalidStateException("This overlay was already removed.", "repId");
        }

        EffectiveTo = day.AddDays(-1);
        Version = Guid.NewGuid();
    }
}
