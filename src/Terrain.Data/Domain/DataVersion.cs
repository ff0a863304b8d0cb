namespace Terrain.Domain;

/// <summary>
/// A stamp that changes, in the same transaction, with every change to one kind of data (ADR 0021). Readers that keep
/// summaries in memory key them by the stamp, so any change, made by any instance on the same database, retires them.
/// </summary>
public sealed class DataVersion
{
    /// <summary>Accounts, and the team links (<see cref="AppUser.ManagerId"/>) that decide a manager's accounts.</summary>
    public const string Accounts = "accounts";

    /// <summary>The stamp the migration writes; any later change replaces it.</summary>
    public static readonly Guid Initial = new("6d1f3c4e-2a8b-4f0e-9c57-0b3a1e2d4c01");

    private DataVersion()
    {
    }

    public string Name { get; private set; } = "";

    public Guid Stamp { get; private set; }

    /// <summary>The row as it already is in the database, to be updated without reading it first.</summary>
    public static DataVersion Existing(string name) => new() { Name = name };

    public void Renew() => Stamp = Guid.NewGuid();
}
