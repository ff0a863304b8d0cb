namespace Terrain.Domain.Territories;

/// <summary>Where a territory's rep works from: an address, coordinates, or both (ADR 0039).</summary>
public sealed record TerritoryBase(string? Address, double? Latitude, double? Longitude);

/// <summary>
/// One rep's book of accounts (ADR 0039). A vacant territory has no rep yet; its accounts keep their place and have no
/// owner until a rep is named. A rep covers at most one territory. <see cref="Account.OwnerId"/> stays the account's
/// owning rep: it is this territory's rep, kept in step whenever an account moves in or the rep changes.
/// </summary>
public sealed class Territory
{
    public const int MaxName = 100;

    public const int MaxAddress = 300;

    private Territory()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public Guid? RepId { get; private set; }

    public AppUser? Rep { get; private set; }

    public string BaseAddress { get; private set; } = "";

    public double? BaseLatitude { get; private set; }

    public double? BaseLongitude { get; private set; }

    public Guid Version { get; private set; }

    public bool IsVacant => RepId is null;

    public static Territory Create(string? name, AppUser? rep, TerritoryBase? location, DateTimeOffset now)
    {
        var territory = new Territory { Id = Guid.CreateVersion7(now) };
        territory.Change(name, rep, location);
        return territory;
    }

    /// <summary>The name a rep's own territory gets when none is chosen: "Rosa Delgado's territory".</summary>
    public static string DefaultName(AppUser rep)
    {
        var name = $"{rep.DisplayName}'s territory";
        return name.Length <= MaxName ? name : name[..MaxName];
    }

    /// <summary>Renames, names a rep (or none: vacant) and sets the base; returns whether the rep changed.</summary>
    public bool Change(string? name, AppUser? rep, TerritoryBase? location)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw new DomainException("The territory needs a name.", "name");
        }

        if (trimmed.Length > MaxName)
        {
            throw new DomainException($"The name is longer than {MaxName} characters.", "name");
        }

        if (rep is not null)
        {
            EnsureCanCover(rep);
        }

        var address = location?.Address?.Trim() ?? "";
        if (address.Length > MaxAddress)
        {
            throw new DomainException($"The base address is longer than {MaxAddress} characters.", "baseAddress");
        }

        var lat = location?.Latitude;
        var lon = location?.Longitude;
        if (lat is { } la && (double.IsNaN(la) || la < -90 || la > 90))
        {
            throw new DomainException("The base latitude must be between -90 and 90.", "baseLatitude");
        }

        if (lon is { } lo && (double.IsNaN(lo) || lo < -180 || lo > 180))
        {
            throw new DomainException("The base longitude must be between -180 and 180.", "baseLongitude");
        }

        if (lat.HasValue != lon.HasValue)
        {
            throw new DomainException("Give both the base latitude and longitude, or neither.", lat.HasValue ? "baseLongitude" : "baseLatitude");
        }

        var repChanged = RepId != rep?.Id;
        Name = Text.EnsurePrintable(trimmed, "name");
        BaseAddress = Text.EnsurePrintable(address, "baseAddress");
        BaseLatitude = lat;
        BaseLongitude = lon;
        RepId = rep?.Id;
        Rep = rep;
        Version = Guid.NewGuid();
        return repChanged;
    }

    /// <summary>Only an active rep covers a territory (and so owns accounts).</summary>
    public static void EnsureCanCover(AppUser rep, string field = "repId")
    {
        if (rep.Role != Role.Rep)
        {
            throw new DomainException($"{rep.Email} is a {rep.Role}; only reps cover territories and own accounts.", field);
        }

        if (!rep.IsActive)
        {
            throw new DomainException($"{rep.Email} is deactivated and cannot cover a territory.", field);
        }
    }
}
