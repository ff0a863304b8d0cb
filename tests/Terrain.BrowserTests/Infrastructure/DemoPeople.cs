using Terrain.Features.Demo;

namespace Terrain.BrowserTests.Infrastructure;

/// <summary>Sign-ins of the demo organisation (<see cref="DemoSeeder"/>); they all share its password.</summary>
public static class DemoPeople
{
    public const string Admin = "admin@" + DemoSeeder.Domain;

    /// <summary>Lena Leader, who wrote the demo strategy.</summary>
    public const string Leader = "leader@" + DemoSeeder.Domain;

    /// <summary>Marcus Webb, manager of rep1 to rep4.</summary>
    public const string Manager1 = "manager1@" + DemoSeeder.Domain;

    /// <summary>Rosa Delgado, in Marcus Webb's team.</summary>
    public const string Rep1 = "rep1@" + DemoSeeder.Domain;

    /// <summary>Chloe Martin, in Priya Natarajan's team.</summary>
    public const string Rep5 = "rep5@" + DemoSeeder.Domain;

    public static string Rep(int n) => $"rep{n}@{DemoSeeder.Domain}";
}
