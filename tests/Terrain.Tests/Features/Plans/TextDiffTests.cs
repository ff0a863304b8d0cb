using Terrain.Features.Plans;
using Xunit;

namespace Terrain.Tests.Features.Plans;

public sealed class TextDiffTests
{
    [Fact]
    public void A_diff_pairs_changed_lines_and_marks_the_changed_words()
    {
        var lines = TextDiff.Lines(["Keep this", "Win two new logos", "Drop this"], ["Keep this", "Win three new logos", "Added line"]);

        Assert.Equal([DiffKind.Same, DiffKind.Changed, DiffKind.Changed], lines.Select(l => l.Kind));
        var changed = lines[1];
        Assert.Equal(["two "], changed.LeftSpans!.Where(s => s.Changed).Select(s => s.Text));
        Assert.Equal(["three "], changed.RightSpans!.Where(s => s.Changed).Select(s => s.Text));
        Assert.Equal("Win three new logos", string.Concat(changed.RightSpans!.Select(s => s.Text)));
    }

    [Fact]
    public void A_diff_of_added_and_removed_lines_keeps_their_order()
    {
        var lines = TextDiff.Lines(["a", "b", "c"], ["a", "c", "d"]);

        Assert.Equal([DiffKind.Same, DiffKind.Removed, DiffKind.Same, DiffKind.Added], lines.Select(l => l.Kind));
        Assert.Empty(TextDiff.Lines([], []));
        Assert.All(TextDiff.Lines(["x"], ["x"]), l => Assert.Equal(DiffKind.Same, l.Kind));
    }

    [Fact]
    public void A_line_holding_a_line_break_is_compared_as_one_line()
    {
        var lines = TextDiff.Lines(["Point one\nstill point one", "Point two"], ["Point one\nstill point one", "Point 2"]);

        Assert.Equal([DiffKind.Same, DiffKind.Changed], lines.Select(l => l.Kind));
        Assert.Equal("Point one\nstill point one", lines[0].Right);
    }

    [Fact]
    public void Two_long_versions_with_nothing_in_common_are_compared_in_full()
    {
        var before = Enumerable.Range(0, 3000).Select(i => $"old line {i}").ToList();
        var after = Enumerable.Range(0, 3000).Select(i => $"new line {i}").ToList();

        var lines = TextDiff.Lines(before, after);

        Assert.Equal(3000, lines.Count);
        Assert.All(lines, l => Assert.Equal(DiffKind.Changed, l.Kind));
        Assert.Equal(["old "], lines[7].LeftSpans!.Where(s => s.Changed).Select(s => s.Text));
    }
}
