using System.Text;
using Terrain.Features.Imports;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>
/// The CSV reader on its own, for inputs the API cannot carry under the test app's 1 MB limit (the command line
/// and larger configured limits can), and for reads split at awkward places.
/// </summary>
public sealed class CsvTableTests
{
    private const string Header = "external_id,name,potential\n";
    private const int SixteenMegabytes = 16 * 1024 * 1024;

    private static (List<CsvRow> Rows, List<ImportIssue> Issues) Read(byte[] bytes, int? readSize = null) =>
        CsvTable.Read(readSize is { } size ? new TrickleStream(bytes, size) : new MemoryStream(bytes), AccountImporter.Columns);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void A_field_longer_than_16_MB_is_reported_on_its_line_instead_of_throwing()
    {
        using var file = new MemoryStream();
        file.Write(Utf8(Header + "A-1,Fine,1\nA-2,\""));
        file.Write(Enumerable.Repeat((byte)'x', SixteenMegabytes + 1000).ToArray());
        file.Write(Utf8("\",5\nA-3,Never Read,1\n"));

        var (rows, issues) = Read(file.ToArray());

        Assert.Equal([2], rows.Select(r => r.Line));
        var issue = Assert.Single(issues);
        Assert.Equal((3, (string?)null), (issue.Line, issue.Column));
        Assert.Contains("an unclosed quote or a row longer than 16 MB", issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_quote_in_a_large_file_is_reported_on_the_line_where_it_starts()
    {
        var file = new StringBuilder(Header)
            .Append("B-1,One,1\n")
            .Append("B-2,\"Two,\nstill two\",2\n")
            .Append('\n')
            .Append("B-3,\"Unclosed,3\n");
        for (var i = 4; file.Length < SixteenMegabytes + 1_000_000; i++)
        {
            file.Append("B-").Append(i).Append(",Row ").Append(i).Append(",10\n");
        }

        var (rows, issues) = Read(Utf8(file.ToString()));

        // Line 3 holds a quoted line break and line 5 is blank, so the unclosed quote opens on line 6.
        Assert.Equal([2, 3], rows.Select(r => r.Line));
        var issue = Assert.Single(issues);
        Assert.Equal(6, issue.Line);
        Assert.Contains("unclosed quote", issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_longer_than_16_MB_is_rejected_on_line_1()
    {
        var (rows, issues) = Read(Utf8("\"external_id" + new string('x', SixteenMegabytes) + "\n"));

        Assert.Empty(rows);
        Assert.Equal(1, Assert.Single(issues).Line);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void A_latin1_file_is_rejected_naming_the_line_of_the_first_bad_byte(int? readSize)
    {
        // "Café" saved as Latin-1 or Windows-1252: é is the single byte 0xE9, which UTF-8 never allows before ','.
        var bytes = new List<byte>(Utf8("external_id,name,potential\r\nC-1,\"Quoted\r\nline\",1\r\nC-2,Caf"));
        bytes.Add(0xE9);
        bytes.AddRange(Utf8(",2\r\nC-3,Fine,3\r\n"));

        var (rows, issues) = Read([.. bytes], readSize);

        Assert.Empty(rows);
        var issue = Assert.Single(issues);
        Assert.Equal((4, (string?)null), (issue.Line, issue.Column));
        Assert.Contains("not UTF-8", issue.Reason, StringComparison.Ordinal);
        Assert.Contains("CSV UTF-8", issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_cut_off_in_the_middle_of_a_character_is_not_UTF8()
    {
        var bytes = Utf8(Header + "D-1,東京,1\n");

        var (_, issues) = Read(bytes[..^4]);

        Assert.Contains("not UTF-8", Assert.Single(issues).Reason, StringComparison.Ordinal);
        Assert.Equal(2, issues[0].Line);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(3)]
    public void UTF8_with_a_byte_order_mark_and_characters_split_across_reads_is_read_intact(int? readSize)
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Utf8(Header + "E-1,Zürich Straße,1\nE-2,東京 🚀,2\n")];

        var (rows, issues) = Read(bytes, readSize);

        Assert.Empty(issues);
        Assert.Equal(["Zürich Straße", "東京 🚀"], rows.Select(r => r.Get(AccountImporter.Name)));
    }

    [Fact]
    public void A_utf16_file_is_rejected_on_line_1()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Header + "F-1,Wide,1\n")).ToArray();

        var (_, issues) = Read(bytes);

        Assert.Equal(1, Assert.Single(issues).Line);
    }

    /// <summary>Hands out at most a few bytes per read, as a slow network or file system might.</summary>
    private sealed class TrickleStream(byte[] bytes, int readSize) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, readSize)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, readSize), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);
    }
}
