using System.Globalization;

namespace Terrain.Domain.Planning;

/// <summary>
/// How the segmentation worksheet suggests a tier from potential (ADR 0035): the accounts that make up the top
/// <see cref="AShare"/> percent of the territory's potential are A, those up to <see cref="BShare"/> percent are B,
/// up to <see cref="CShare"/> percent C, and the rest D. A leader sets it per cycle; it only suggests, the rep decides.
/// </summary>
public sealed record TierRule(int AShare, int BShare, int CShare)
{
    public static readonly TierRule Default = new(50, 80, 95);

    public void Validate()
    {
        if (AShare is < 1 or > 100)
        {
            throw new DomainException("The A share must be a percentage from 1 to 100.", "tierRule.aShare");
        }

        if (BShare < AShare || BShare > 100)
        {
            throw new DomainException($"The B share must be from the A share ({AShare}%) to 100%.", "tierRule.bShare");
        }

        if (CShare < BShare || CShare > 100)
        {
            throw new DomainException($"The C share must be from the B share ({BShare}%) to 100%.", "tierRule.cShare");
        }
    }

    /// <summary>The rule in a sentence, for the worksheet and the cycle page.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"A: the accounts that make up the top {AShare}% of your potential; B: up to {BShare}%; C: up to {CShare}%; D: the rest.");

    /// <summary>
    /// The suggested tier of each account with a known potential. Accounts are ranked by potential, largest first; an
    /// account's place is the share of the total potential held by the accounts strictly larger than it, so that
    /// the account that crosses a threshold still belongs to the tier above it, and accounts of equal potential always
    /// get the same tier. An account with no potential stated gets no suggestion; one with none (zero) is D.
    /// </summary>
    public IReadOnlyDictionary<Guid, string> Suggest(IEnumerable<(Guid AccountId, decimal? Potential)> accounts)
    {
        var known = accounts.Where(a => a.Potential is not null).Select(a => (a.AccountId, Potential: Math.Max(a.Potential!.Value, 0)))
            .DistinctBy(a => a.AccountId).ToList();
        var total = known.Sum(a => a.Potential);
        var tiers = new Dictionary<Guid, string>();
        var above = 0m;
        foreach (var group in known.GroupBy(a => a.Potential).OrderByDescending(g => g.Key))
        {
            var tier = group.Key <= 0 || total <= 0 ? "D" : Tier(above / total * 100);
            foreach (var account in group)
            {
                tiers[account.AccountId] = tier;
            }

            above += group.Key * group.Count();
        }

        return tiers;
    }

    private string Tier(decimal shareAbove) =>
        shareAbove < AShare ? "A" : shareAbove < BShare ? "B" : shareAbove < CShare ? "C" : "D";
}
