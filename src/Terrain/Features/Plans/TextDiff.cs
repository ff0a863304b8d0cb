using System.Diagnostics;
using System.Text.Json.Serialization;
using DiffPlex;
using DiffPlex.Chunkers;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Terrain.Features.Plans;

[JsonConverter(typeof(JsonStringEnumConverter<DiffKind>))]
public enum DiffKind
{
    Same,
    Removed,
    Added,
    Changed,
}

/// <summary>A run of words in a changed line: kept, or only on this side.</summary>
public sealed record DiffSpan(string Text, bool Changed);

/// <summary>One row of a side-by-side comparison; <c>Left</c> is the older version.</summary>
public sealed record DiffLine(DiffKind Kind, string? Left, string? Right, IReadOnlyList<DiffSpan>? LeftSpans, IReadOnlyList<DiffSpan>? RightSpans);

/// <summary>
/// Compares two versions side by side with DiffPlex (Myers' diff). A removed line followed by an added one is shown as
/// one changed row, with the changed words marked on each side.
/// </summary>
public static class TextDiff
{
    private const string Older = "older";

    /// <summary>Words with their trailing spaces, so that the spans of a side join back into its line.</summary>
    private static readonly CustomFunctionChunker WordsWithSpaces = new(Words);

    public static IReadOnlyList<DiffLine> Lines(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        // DiffPlex chunks the text it is given; the sides are lines already (and a line may hold a line break), so the
        // chunker hands them back by name instead of joining and splitting them again.
        var sides = new CustomFunctionChunker(side => side == Older ? left : right);
        var model = SideBySideDiffBuilder.Diff(Differ.Instance, Older, "newer", ignoreWhiteSpace: false, ignoreCase: false, sides, WordsWithSpaces);

        return model.OldText.Lines.Zip(model.NewText.Lines, (l, r) => (l.Type, r.Type) switch
        {
            (ChangeType.Unchanged, ChangeType.Unchanged) => new DiffLine(DiffKind.Same, l.Text, r.Text, null, null),
            (ChangeType.Deleted, ChangeType.Imaginary) => new DiffLine(DiffKind.Removed, l.Text, null, null, null),
            (ChangeType.Imaginary, ChangeType.Inserted) => new DiffLine(DiffKind.Added, null, r.Text, null, null),
            (ChangeType.Modified, ChangeType.Modified) => new DiffLine(DiffKind.Changed, l.Text, r.Text, Spans(l), Spans(r)),
            _ => throw new UnreachableException($"A side-by-side row pairs {l.Type} with {r.Type}."),
        }).ToList();
    }

    private static List<DiffSpan> Spans(DiffPiece line)
    {
        var spans = new List<DiffSpan>();
        foreach (var word in line.SubPieces.Where(w => w.Type != ChangeType.Imaginary))
        {
            var changed = word.Type != ChangeType.Unchanged;
            if (spans.Count > 0 && spans[^1].Changed == changed)
            {
                spans[^1] = spans[^1] with { Text = spans[^1].Text + word.Text };
            }
            else
            {
                spans.Add(new DiffSpan(word.Text, changed));
            }
        }

        return spans;
    }

    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 1; i <= line.Length; i++)
        {
            if (i == line.Length || (char.IsWhiteSpace(line[i - 1]) && !char.IsWhiteSpace(line[i])))
            {
                words.Add(line[start..i]);
                start = i;
            }
        }

        return words;
    }
}
