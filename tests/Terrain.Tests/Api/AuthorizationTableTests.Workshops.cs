namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] WorkshopRows =>
    [
    ];
}
