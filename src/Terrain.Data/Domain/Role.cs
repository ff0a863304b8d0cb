namespace Terrain.Domain;

public enum Role
{
    Rep = 0,
    Manager = 1,
    Leader = 2,
    Admin = 3,
}

public static class Roles
{
    public static bool TryParse(string? value, out Role role)
    {
        role = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var normalized = value.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (string.Equals(normalized, "SalesLeader", StringComparison.OrdinalIgnoreCase))
        {
            normalized = nameof(Role.Leader);
        }

        if (string.Equals(normalized, "SalesManager", StringComparison.OrdinalIgnoreCase))
        {
            normalized = nameof(Role.Manager);
        }

        if (string.Equals(normalized, "SalesRep", StringComparison.OrdinalIgnoreCase))
        {
            normalized = nameof(Role.Rep);
        }

        return Enum.TryParse(normalized, ignoreCase: true, out role)
            && Enum.IsDefined(role)
            && !int.TryParse(normalized, out _);
    }

    public static string Names => string.Join(", ", Enum.GetNames<Role>());
}
