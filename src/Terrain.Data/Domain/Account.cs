using Terrain.Domain.Territories;

namespace Terrain.Domain;

public sealed class Account
{
    private Account()
    {
    }

    public Guid Id { get; private set; }

    public string ExternalId { get; private set; } = "";

    public string Name { get; private set; } = "";

    public string Industry { get; private set; } = "";

    public string Segment { get; private set; } = "";

    public string Region { get; private set; } = "";

    public string PostalCode { get; private set; } = "";

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    /// <summary>Where the coordinates came from: given (or none), or a postal code's centroid, which is approximate.</summary>
    public LocationSource LocationSource { get; private set; }

    public decimal AnnualPotential { get; private set; }

    public Guid? OwnerId { get; private set; }

    public AppUser? Owner { get; private set; }

    /// <summary>
    /// The territory the account belongs to (ADR 0039); <see cref="OwnerId"/> is that territory's rep. Null for an
    /// account that belongs to nobody, and for one given an owner before territories existed, until it is moved.
    /// </summary>
    public Guid? TerritoryId { get; private set; }

    public Territory? Territory { get; private set; }

    public Guid Version { get; private set; }

    public static Account Create(string externalId, AccountDetails details, AppUser? owner, DateTimeOffset now, PostalLocator? locate = null)
    {
        var account = new Account { Id = Guid.CreateVersion7(now) };
        account.ExternalId = Required(externalId, "externalId", 100);
        account.Update(details, owner, locate);
        return account;
    }

    /// <summary>
    /// Applies new details and owner; returns false when nothing changed. A new owner takes the account out of its
    /// territory: place it with <see cref="PlaceIn"/> to keep owner and territory in step.
    /// </summary>
    public bool Update(AccountDetails details, AppUser? owner, PostalLocator? locate = null)
    {
        if (owner is not null && owner.Role != Role.Rep)
        {
            throw new DomainException($"{owner.Email} is a {owner.Role}; only reps own accounts.", "ownerEmail");
        }

        var changed = UpdateDetails(details, locate);
        if (OwnerId == owner?.Id)
        {
            return changed;
        }

        Owner = owner;
        OwnerId = owner?.Id;
        TerritoryId = null;
        Territory = null;
        Version = Guid.NewGuid();
        return true;
    }

    /// <summary>
    /// Moves the account into a territory (or out of every territory, to belong to nobody): its owner becomes the
    /// territory's rep, none for a vacant one. Returns false when it is already there with that owner.
    /// </summary>
    public bool PlaceIn(Territory? territory)
    {
        var repId = territory?.RepId;
        if (TerritoryId == territory?.Id && OwnerId == repId)
        {
            return false;
        }

        TerritoryId = territory?.Id;
        Territory = territory;
        OwnerId = repId;
        if (territory?.Rep is { } rep)
        {
            Owner = rep;
        }

        Version = Guid.NewGuid();
        return true;
    }

    /// <summary>
    /// Applies new details, leaving owner and territory as they are; returns false when nothing changed. Without
    /// coordinates, <paramref name="locate"/> may place the account at its postal code's centroid, marked approximate.
    /// </summary>
    public bool UpdateDetails(AccountDetails details, PostalLocator? locate = null)
    {
        var name = Required(details.Name, "name", 200);
        var industry = Optional(details.Industry, "industry");
        var segment = Optional(details.Segment, "segment");
        var region = Optional(details.Region, "region");
        var postalCode = Optional(details.PostalCode, "postalCode", 20);
        Money.Validate(decimal.Round(details.AnnualPotential, 2), "potential", "The annual potential");

        if (details.Latitude is { } lat && (double.IsNaN(lat) || lat < -90 || lat > 90))
        {
            throw new DomainException("The latitude must be between -90 and 90.", "latitude");
        }

        if (details.Longitude is { } lon && (double.IsNaN(lon) || lon < -180 || lon > 180))
        {
            throw new DomainException("The longitude must be between -180 and 180.", "longitude");
        }

        if (details.Latitude.HasValue != details.Longitude.HasValue)
        {
            throw new DomainException("Give both latitude and longitude, or neither.",
                details.Latitude.HasValue ? "longitude" : "latitude");
        }

        var (latitude, longitude, source) = (details.Latitude, details.Longitude, LocationSource.Given);
        if (LocationSource == LocationSource.PostalCode && latitude is not null && latitude == Latitude && longitude == Longitude)
        {
            // The approximate place read back and handed in again is not a given one: it stays approximate, and moves
            // with the postal code.
            if (postalCode == PostalCode || locate is null)
            {
                source = LocationSource.PostalCode;
            }
            else
            {
                (latitude, longitude) = (null, null);
            }
        }

        if (latitude is null && locate?.Invoke(postalCode) is { } centroid)
        {
            (latitude, longitude, source) = (centroid.Latitude, centroid.Longitude, LocationSource.PostalCode);
        }

        var changed = Name != name || Industry != industry || Segment != segment || Region != region
            || PostalCode != postalCode || Latitude != latitude || Longitude != longitude || LocationSource != source
            || AnnualPotential != details.AnnualPotential;
        if (!changed)
        {
            return false;
        }

        Name = name;
        Industry = industry;
        Segment = segment;
        Region = region;
        PostalCode = postalCode;
        Latitude = latitude;
        Longitude = longitude;
        LocationSource = source;
        AnnualPotential = decimal.Round(details.AnnualPotential, 2);
        Version = Guid.NewGuid();
        return true;
    }

    /// <summary>
    /// Places an account stored without coordinates at its postal code's centroid, marked approximate (ADR 0048); false,
    /// changing nothing, when it has coordinates already or the code is not one <paramref name="locate"/> knows.
    /// </summary>
    public bool PlaceByPostalCode(PostalLocator locate)
    {
        if ((Latitude is not null && Longitude is not null) || locate(PostalCode) is not { } centroid)
        {
            return false;
        }

        (Latitude, Longitude, LocationSource) = (centroid.Latitude, centroid.Longitude, LocationSource.PostalCode);
        Version = Guid.NewGuid();
        return true;
    }

    private static string Required(string? value, string field, int max = 200)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw new DomainException($"The {field} is required.", field);
        }

        return trimmed.Length <= max
            ? Text.EnsurePrintable(trimmed, field)
            : throw new DomainException($"The {field} is longer than {max} characters.", field);
    }

    private static string Optional(string? value, string field, int max = 100)
    {
        var trimmed = value?.Trim() ?? "";
        return trimmed.Length <= max
            ? Text.EnsurePrintable(trimmed, field)
            : throw new DomainException($"The {field} is longer than {max} characters.", field);
    }
}

public sealed record AccountDetails(
    string Name,
    string? Industry,
    string? Segment,
    string? Region,
    string? PostalCode,
    double? Latitude,
    double? Longitude,
    decimal AnnualPotential);

/// <summary>Where an account's coordinates came from.</summary>
public enum LocationSource
{
    /// <summary>Given (imported or typed), or none at all.</summary>
    Given,

    /// <summary>The centroid of the account's postal code: approximate, a few kilometres off.</summary>
    PostalCode,
}

/// <summary>The centroid of a postal code, or null when it is not known.</summary>
public delegate (double Latitude, double Longitude)? PostalLocator(string postalCode);
