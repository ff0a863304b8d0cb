using Terrain.Domain.Strategies;
using Xunit;

namespace Terrain.Tests.Domain.Strategies;

/// <summary>The comprehension check shows each question's options in a new order each attempt (issue 12 §7).</summary>
public sealed class OptionOrderTests
{
    private static readonly Guid Rep = Guid.Parse("3f2b7c1e-9d4a-4b6e-8a51-2c0d9e7f6a13");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void Every_order_is_a_permutation_of_the_options(int options)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            Assert.Equal(Enumerable.Range(0, options), ComprehensionCheck.OptionOrder(Rep, "q1", attempt, options).Order());
        }
    }

    [Fact]
    public void The_same_attempt_keeps_its_order_and_the_next_one_changes_it()
    {
        Assert.Equal(ComprehensionCheck.OptionOrder(Rep, "q1", 3, 4), ComprehensionCheck.OptionOrder(Rep, "q1", 3, 4));
        var orders = Enumerable.Range(0, 20).Select(a => string.Join(",", ComprehensionCheck.OptionOrder(Rep, "q1", a, 4))).ToList();
        Assert.True(orders.Distinct().Count() > 5, string.Join(" | ", orders));
        Assert.Contains(Enumerable.Range(0, 20), a => ComprehensionCheck.OptionOrder(Rep, "q1", a, 4).SequenceEqual(ComprehensionCheck.OptionOrder(Rep, "q1", a + 1, 4)) is false);
    }

    [Fact]
    public void The_right_answer_moves_around_rather_than_staying_second()
    {
        // Option 1 is right; over many reps' first attempts it lands in every position, roughly evenly.
        var positions = Enumerable.Range(0, 400)
            .Select(i => Array.IndexOf(ComprehensionCheck.OptionOrder(Guid.NewGuid(), "q1", 0, 3), 1))
            .GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([0, 1, 2], positions.Keys.Order());
        Assert.All(positions.Values, count => Assert.InRange(count, 80, 190));
    }
}
