using System.Globalization;
using System.Text;

namespace Terrain.Features.Strategies;

/// <summary>A person in a calendar event: their name and email address.</summary>
public sealed record IcsPerson(string Name, string Email);

/// <summary>One calendar event, as much of it as a workshop invitation needs.</summary>
public sealed record IcsEvent(
    string Uid,
    DateTimeOffset Stamp,
    DateTimeOffset Start,
    DateTimeOffset End,
    int Sequence,
    string Summary,
    string? Location,
    string? Description,
    string? Url,
    IcsPerson Organizer,
    IReadOnlyList<IcsPerson> Attendees);

/// <summary>
/// Writes an iCalendar (RFC 5545) invitation with one VEVENT: METHOD:REQUEST when it names the attendee it invites,
/// else METHOD:PUBLISH (RFC 5546: a REQUEST needs at least one ATTENDEE; a PUBLISH has none), e.g. the copy a leader or
/// a manager who is not invited adds to their calendar. Small enough to write by hand rather than take a package: text
/// values are escaped, lines folded at 75 octets and ended with CRLF, times given in UTC.
/// </summary>
public static class Ics
{
    public const string ContentType = "text/calendar; charset=utf-8";

    private const int MaxOctets = 75;

    public static string Write(IcsEvent e)
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Terrain//Strategy workshops//EN",
            e.Attendees.Count > 0 ? "METHOD:REQUEST" : "METHOD:PUBLISH",
            "CALSCALE:GREGORIAN",
            "BEGIN:VEVENT",
            "UID:" + Text(e.Uid),
            "DTSTAMP:" + Utc(e.Stamp),
            "DTSTART:" + Utc(e.Start),
            "DTEND:" + Utc(e.End),
            "SEQUENCE:" + e.Sequence.ToString(CultureInfo.InvariantCulture),
            "SUMMARY:" + Text(e.Summary),
        };
        if (!string.IsNullOrWhiteSpace(e.Location))
        {
            lines.Add("LOCATION:" + Text(e.Location));
        }

        if (!string.IsNullOrWhiteSpace(e.Description))
        {
            lines.Add("DESCRIPTION:" + Text(e.Description));
        }

        if (!string.IsNullOrWhiteSpace(e.Url))
        {
            lines.Add("URL;VALUE=URI:" + Uri(e.Url));
        }

        lines.Add($"ORGANIZER;CN={Param(e.Organizer.Name)}:mailto:{Uri(e.Organizer.Email)}");
        foreach (var attendee in e.Attendees)
        {
            lines.Add($"ATTENDEE;CN={Param(attendee.Name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{Uri(attendee.Email)}");
        }

        lines.Add("STATUS:CONFIRMED");
        lines.Add("TRANSP:OPAQUE");
        lines.Add("END:VEVENT");
        lines.Add("END:VCALENDAR");

        var ics = new StringBuilder();
        foreach (var line in lines)
        {
            ics.Append(Fold(line)).Append("\r\n");
        }

        return ics.ToString();
    }

    /// <summary>A DATE-TIME in UTC ("form #2" of RFC 5545 3.3.5), e.g. 20270115T080000Z.</summary>
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as \n.</summary>
    public static string Text(string value)
    {
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case ';':
                    text.Append(@"\;");
                    break;
                case ',':
                    text.Append(@"\,");
                    break;
                case '\r':
                    text.Append(@"\n");
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++;
                    }

                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                default:
                    // Other control characters are not allowed in TEXT (RFC 5545 3.1: CONTROL); a tab reads as a space.
                    text.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Splits a content line into lines of at most 75 octets of UTF-8, each continuation starting with a space
    /// (RFC 5545 3.1), never inside a character.
    /// </summary>
    public static string Fold(string line)
    {
        if (Encoding.UTF8.GetByteCount(line) <= MaxOctets)
        {
            return line;
        }

        var folded = new StringBuilder(line.Length + (line.Length / 60 * 3));
        var octets = 0;
        var limit = MaxOctets;
        var runes = line.EnumerateRunes();
        foreach (var rune in runes)
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > limit)
            {
                folded.Append("\r\n ");
                octets = 0;
                limit = MaxOctets - 1;
            }

            folded.Append(rune.ToString());
            octets += size;
        }

        return folded.ToString();
    }

    /// <summary>A parameter value, always quoted; a double quote cannot appear in one (RFC 5545 3.1), so it is dropped.</summary>
    private static string Param(string value) =>
        "\"" + new string(value.Where(c => c != '"' && !char.IsControl(c)).ToArray()) + "\"";

    /// <summary>A URI value is not escaped like text, but must not break the line.</summary>
    private static string Uri(string value) => new(value.Where(c => !char.IsControl(c)).ToArray());
}
