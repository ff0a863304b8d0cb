using System.Text.RegularExpressions;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Home;

/// <summary>
/// Issue 12 §8: one way to show numbers and dates (ADR 0032). Each person walks every page their navigation and
/// pages link to (one page per route shape), and what the page says in words is read for the slips the hands-on
/// walk found: 01/27/2027 on one page and 2027-01-27 on the next, 1234567 without separators, "a opportunity".
/// Form fields, code, postal codes, the map (its clusters and markers; the table beside it says the same in words) and
/// what people typed themselves (plan and review text) are not read: those are data.
/// </summary>
public sealed partial class OneWayToWriteTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    private const int PagesPerPerson = 45;

    // What people typed is theirs to write; inputs hold machine formats (type=date is ISO by definition).
    private const string ReadableText = """
        () => {
            const main = document.querySelector("main");
            if (!main) return "";
            const copy = main.cloneNode(true);
            copy.querySelectorAll("input, textarea, select, script, code, pre, .user-text, .sv-text, .comment-body, blockquote, .postal, .leaflet-container")
                .forEach((e) => e.remove());
            return copy.innerText;
        }
        """;

    public static TheoryData<string> People() => new() { DemoPeople.Rep1, DemoPeople.Manager1, DemoPeople.Leader, DemoPeople.Admin };

    [Theory]
    [MemberData(nameof(People))]
    public async Task Every_page_writes_dates_numbers_and_words_one_way(string who)
    {
        var page = await SignInAsync(who);
        var origin = new Uri(page.Url).GetLeftPart(UriPartial.Authority);
        var queue = new Queue<string>(["/"]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { Shape("/") };
        var slips = new List<string>();
        var visited = 0;
        while (queue.Count > 0 && visited < PagesPerPerson)
        {
            var path = queue.Dequeue();
            var response = await page.GotoAsync(path);
            visited++;
            if (response is null || !response.Ok || !response.Headers.TryGetValue("content-type", out var type) || !type.StartsWith("text/html", StringComparison.Ordinal))
            {
                continue;
            }

            var text = await page.EvaluateAsync<string>(ReadableText);
            slips.AddRange(Slips(text).Select(s => $"{path}: {s}"));
            // htmx is written as valid data-hx-* (the Nu checker), and never as an empty one: Razor writes a null data-*
            // value as "", which htmx reads as "post to this page" (issue 12 §8).
            var html = await response.TextAsync();
            slips.AddRange(HtmxSlips(html).Select(s => $"{path}: {s}"));
            var links = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('header a[href], nav a[href], main a[href]')).filter(a => !a.hasAttribute('download')).map(a => a.href)");
            foreach (var link in links)
            {
                if (!link.StartsWith(origin, StringComparison.Ordinal))
                {
                    continue;
                }

                var local = link[origin.Length..].Split('#')[0];
                if (local.Length == 0 || Skipped(local) || !seen.Add(Shape(local)))
                {
                    continue;
                }

                queue.Enqueue(local);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{who}: read {visited} pages, {seen.Count} route shapes seen");
        Assert.True(visited >= 10, $"{who} reached only {visited} pages");
        foreach (var slip in slips)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(slip);
        }

        // One line per page and kind of slip, so that one long table does not hide the others.
        var firsts = slips.GroupBy(s => s[..s.IndexOf(':', StringComparison.Ordinal)] + Kind(s)).Select(g => $"{g.First()} (and {g.Count() - 1} more)");
        Assert.True(slips.Count == 0, $"{who} found {slips.Count} slips:\n" + string.Join("\n", firsts.Take(60)));
    }

    /// <summary>Pages that are not pages: downloads, the API, signing out, exports.</summary>
    private static bool Skipped(string path) =>
        path.StartsWith("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("/openapi", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("/Auth/Logout", StringComparison.OrdinalIgnoreCase)
        || path.Contains("handler=", StringComparison.OrdinalIgnoreCase)
        || path.Contains("format=", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".ics", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("/lib/", StringComparison.Ordinal)
        || path.StartsWith("/css/", StringComparison.Ordinal)
        || path.StartsWith("/js/", StringComparison.Ordinal);

    /// <summary>/Plans/3f2a…/Edit and /Plans/9c1b…/Edit are one shape; the query's names count, not its values.</summary>
    private static string Shape(string path)
    {
        var parts = path.Split('?', 2);
        var route = Ids().Replace(parts[0], "{id}");
        var query = parts.Length == 2 ? string.Join("&", parts[1].Split('&').Select(p => p.Split('=')[0]).Order(StringComparer.Ordinal)) : "";
        return route + "?" + query;
    }

    public static IEnumerable<string> HtmxSlips(string html) =>
        EmptyHtmx().Matches(html).Concat(BareHtmx().Matches(html)).Select(m => $"'{m.Value.Trim()}' (htmx attribute)");

    [GeneratedRegex(@"data-hx-[a-z-]+=""""")]
    private static partial Regex EmptyHtmx();

    [GeneratedRegex(@"<[a-z][^>]*\shx-[a-z-]+=")]
    private static partial Regex BareHtmx();

    private static string Kind(string slip) => new string(slip.SkipWhile(c => c != '\'').Skip(1).TakeWhile(c => c != '\'').Select(c => char.IsDigit(c) ? '9' : c).ToArray());

    public static IEnumerable<string> Slips(string text)
    {
        foreach (var pattern in new[] { UsDate(), IsoDate(), BareNumber(), WrongArticle(), OneWithPlural() })
        {
            foreach (Match m in pattern.Matches(text))
            {
                var start = Math.Max(0, m.Index - 30);
                yield return $"'{m.Value}' in \"…{text.Substring(start, Math.Min(text.Length - start, m.Length + 60)).ReplaceLineEndings(" ")}…\"";
            }
        }
    }

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<=/)\d+(?=/|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Ids();

    [GeneratedRegex(@"\b\d{1,2}/\d{1,2}/\d{2,4}\b")]
    private static partial Regex UsDate();

    [GeneratedRegex(@"\b(19|20)\d{2}-\d{2}-\d{2}\b")]
    private static partial Regex IsoDate();

    /// <summary>12500 or 1250000.5 with no thousands separator; years (2026) and ids (INV-10042, #10042) are not money.</summary>
    [GeneratedRegex(@"(?<![\w.,#/:-])\d{5,}(\.\d+)?(?![\w/-])")]
    private static partial Regex BareNumber();

    /// <summary>"a opportunity", "a account", "an plan"; "a user" and "an hour" are right.</summary>
    [GeneratedRegex(@"\b(?:a (?=[aeio])(?!one)\w+|an (?=[bcdfgjklmnpqrstvwxz])\w+)")]
    private static partial Regex WrongArticle();

    [GeneratedRegex(@"(?<![\d.,])\b1 (days|weeks|months|reps|accounts|plans|reviews|actions|deals|goals|sections|rows|comments|questions|hours|minutes|seconds|opportunities|items)\b")]
    private static partial Regex OneWithPlural();
}
