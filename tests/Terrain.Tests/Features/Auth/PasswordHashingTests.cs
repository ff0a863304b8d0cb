using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Domain;
using Terrain.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Auth;

public sealed class PasswordHashingTests
{
    [Fact]
    public void Production_hashes_use_at_least_the_owasp_iteration_count()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        TerrainHost.AddServices(services, new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        var hasher = provider.GetRequiredService<IPasswordHasher<AppUser>>();

        var hash = hasher.HashPassword(null!, "Some-password-1");

        // Identity v3 format: marker byte, PRF (4 bytes), iteration count (4 bytes, big-endian), ...
        var bytes = Convert.FromBase64String(hash);
        var iterations = (bytes[5] << 24) | (bytes[6] << 16) | (bytes[7] << 8) | bytes[8];
        Assert.Equal(0x01, bytes[0]);
        Assert.True(iterations >= 600_000, $"iterations were {iterations}");
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(null!, hash, "Some-password-1"));
    }
}
