using CsCheck;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Data;

/// <summary>Money is whole cents in both databases (ADR 0012): SQL sums it to the cent, as C# decimal does.</summary>
public sealed class MoneyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly long MaxCents = Money.ToCents(Money.Max);

    /// <summary>Amounts from one cent to the largest allowed, with both ends drawn often.</summary>
    private static readonly Gen<decimal[]> Amounts = Gen.Frequency(
            (1, Gen.Const(1L)),
            (1, Gen.Const(MaxCents)),
            (8, Gen.Long[1, MaxCents]))
        .Select(Money.FromCents)
        .Array[10_000, 30_000];

    [Theory, BothDatabases]
    public async Task Sql_sums_random_amounts_to_the_cent(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var owners = new[] { app.Org.Rep1, app.Org.Rep2, app.Org.Rep3 };

        await Amounts.SampleAsync(async amounts =>
        {
            await app.WithDbAsync(async d =>
            {
                await d.Accounts.Where(a => a.ExternalId.StartsWith("P-")).ExecuteDeleteAsync(Ct);
                d.Users.AttachRange(owners);
                d.Accounts.AddRange(amounts.Select((amount, i) => AccountBuilder.For(owners[i % 3], $"P-{i}", $"Property {i}", amount, TestApp.Start)));
                await d.SaveChangesAsync(Ct);
                return 0;
            });

            var (total, byOwner) = await app.WithDbAsync(async d =>
            {
                var generated = d.Accounts.Where(a => a.ExternalId.StartsWith("P-"));
                var sum = await generated.SumAsync(a => a.AnnualPotential, Ct);
                var groups = await generated.GroupBy(a => a.OwnerId)
                    .Select(g => new { Owner = g.Key!.Value, Sum = g.Sum(a => a.AnnualPotential) })
                    .ToDictionaryAsync(g => g.Owner, g => g.Sum, Ct);
                return (sum, groups);
            });

            Assert.Equal(amounts.Sum(), total);
            for (var o = 0; o < owners.Length; o++)
            {
                var expected = amounts.Where((_, i) => i % 3 == o).Sum();
                Assert.Equal(expected, byOwner[owners[o].Id]);
            }
        }, iter: 2, threads: 1);
    }

    [Theory, BothDatabases]
    public async Task Amounts_read_back_exactly_and_sort_in_sql(Db db)
    {
        var app = await TestApp.StartAsync(db);
        decimal[] amounts = [0.01m, 0.1m, 1.23m, 999_999.99m, 1_000_000m, Money.Max - 0.01m, Money.Max];

        await app.WithDbAsync(async d =>
        {
            d.Accounts.AddRange(amounts.Reverse().Select((amount, i) => AccountBuilder.For(null, $"X-{i}", $"Exact {i}", amount, TestApp.Start)));
            return await d.SaveChangesAsync(Ct);
        });

        var stored = await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId.StartsWith("X-"))
            .OrderBy(a => a.AnnualPotential).Select(a => a.AnnualPotential).ToListAsync(Ct));
        var big = await app.WithDbAsync(d => d.Accounts.CountAsync(a => a.ExternalId.StartsWith("X-") && a.AnnualPotential > 999_999.99m, Ct));
        Assert.Equal(amounts, stored);
        Assert.Equal(3, big);
    }

    [Theory]
    [InlineData("-0.01", "cannot be negative")]
    [InlineData("10000000000.00", "too large")]
    [InlineData("1.005", "whole cents")]
    public void An_amount_outside_cents_or_the_limit_is_refused_naming_the_field(string amount, string reason)
    {
        var error = Assert.Throws<DomainException>(() => Money.Validate(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), "potential"));
        Assert.Equal("potential", error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
