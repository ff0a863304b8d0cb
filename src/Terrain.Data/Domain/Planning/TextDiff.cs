using System.Text.Json.Serialization;

namespace Terrain.Domain.Planning;

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
/// Line diff (longest common subsequence) for comparing two versions side by side. A removed line followed by an
/// added one is shown as one changed row, with the changed words marked on each side.
/// </summary>
public static class TextDiff
{
    /// <summary>Beyond this many cells the comparison falls back to a plain before/after, to bound the work.</summary>
    private const long MaxCells = 4_000_000;

    public static IReadOnlyList<DiffLine> Lines(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        var ops = Lcs(left, right);
        var result = new List<DiffLine>();
        for (var i = 0; i < ops.Count;)
        {
            if (ops[i].Kind == DiffKind.Same)
            {
                result.Add(new DiffLine(DiffKind.Same, ops[i].Text, ops[i].Text, null, null));
                i++;
                continue;
            }

            var removed = new List<string>();
            var added = new List<string>();
            for (; i < ops.Count && ops[i].Kind != DiffKind.Same; i++)
            {
                (ops[i].Kind == DiffKind.Removed ? removed : added).Add(ops[i].Text);
            }

            var paired = Math.Min(removed.Count, added.Count);
            for (var k = 0; k < paired; k++)
            {
                var (l, r) = Words(removed[k], added[k]);
                result.Add(new DiffLine(DiffKind.Changed, removed[k], added[k], l, r));
            }

            result.AddRange(removed.Skip(paired).Select(t => new DiffLine(DiffKind.Removed, t, null, null, null)));
            result.AddRange(added.Skip(paired).Select(t => new DiffLine(DiffKind.Added, null, t, null, null)));
        }

        return result;
    }

    /// <summary>Marks the words that differ between two versions of a line.</summary>
    public static (IReadOnlyList<DiffSpan> Left, IReadOnlyList<DiffSpan> Right) Words(string left, string right)
    {
        var ops = Lcs(Tokens(left), Tokens(right));
        return (Spans(ops, DiffKind.Removed), Spans(ops, DiffKind.Added));
    }

    private static List<DiffSpan> Spans(List<(DiffKind Kind, string Text)> ops, DiffKind own)
    {
        var spans = new List<DiffSpan>();
        foreach (var (kind, text) in ops.Where(o => o.Kind == DiffKind.Same || o.Kind == own))
        {
            var changed = kind != DiffKind.Same;
            if (spans.Count > 0 && spans[^1].Changed == changed)
            {
                spans[^1] = spans[^1] with { Text = spans[^1].Text + text };
            }
            else
            {
                spans.Add(new DiffSpan(text, changed));
            }
        }

        return spans;
    }

    /// <summary>Words with their trailing spaces, so that joining the tokens gives the line back.</summary>
    private static List<string> Tokens(string line)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 1; i <= line.Length; i++)
        {
            if (i == line.Length || (char.IsWhiteSpace(line[i - 1]) && !char.IsWhiteSpace(line[i])))
            {
                tokens.Add(line[start..i]);
                start = i;
            }
        }

        return tokens;
    }

    private static List<(DiffKind Kind, string Text)> Lcs(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // Common head and tail are cheap and make the table small for the usual case of a few edits.
        var head = 0;
        while (head < a.Count && head < b.Count && a[head] == b[head])
        {
            head++;
        }

        var tail = 0;
        while (tail < a.Count - head && tail < b.Count - head && a[a.Count - 1 - tail] == b[b.Count - 1 - tail])
        {
            tail++;
        }

        var ops = new List<(DiffKind, string)>();
        ops.AddRange(a.Take(head).Select(t => (DiffKind.Same, t)));
        var n = a.Count - head - tail;
        var m = b.Count - head - tail;
        if ((long)n * m > MaxCells)
        {
            ops.AddRange(a.Skip(head).Take(n).Select(t => (DiffKind.Removed, t)));
            ops.AddRange(b.Skip(head).Take(m).Select(t => (DiffKind.Added, t)));
        }
        else
        {
            var table = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
            {
                for (var j = m - 1; j >= 0; j--)
                {
                    table[i, j] = a[head + i] == b[head + j] ? table[i + 1, j + 1] + 1 : Math.Max(table[i + 1, j], table[i, j + 1]);
                }
            }

            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[head + x] == b[head + y])
                {
                    ops.Add((DiffKind.Same, a[head + x]));
                    x++;
                    y++;
                }
                else if (y < m && (x == n || table[x, y + 1] >= table[x + 1, y]))
                {
                    ops.Add((DiffKind.Added, b[head + y]));
                    y++;
                }
                else
                {
                    ops.Add((DiffKind.Removed, a[head + x]));
                    x++;
                }
            }
        }

        ops.AddRange(a.Skip(a.Count - tail).Select(t => (DiffKind.Same, t)));
        return ops;
    }
}
