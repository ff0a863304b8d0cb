using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

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
/// Writes an iCalendar (RFC 5545) invitation with one VEVENT, with Ical.Net: METHOD:REQUEST when it names the attendee
/// it invites, else METHOD:PUBLISH (RFC 5546: a REQUEST needs at least one ATTENDEE; a PUBLISH has none), e.g. the copy
/// a leader or a manager who is not invited adds to their calendar. Times are given in UTC.
/// </summary>
public static class Ics
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string Write(IcsEvent e)
    {
        var calendar = new Calendar
        {
            ProductId = "-//Terrain//Strategy workshops//EN",
            Method = e.Attendees.Count > 0 ? "REQUEST" : "PUBLISH",
            // GREGORIAN is the default, written out because some calendars still look for it.
            Scale = "GREGORIAN",
        };
        var vevent = new CalendarEvent
        {
            Uid = e.Uid,
            DtStamp = Utc(e.Stamp),
            DtStart = Utc(e.Start),
            DtEnd = Utc(e.End),
            Sequence = e.Sequence,
            Summary = Text(e.Summary),
            Location = string.IsNullOrWhiteSpace(e.Location) ? null : Text(e.Location),
            Description = string.IsNullOrWhiteSpace(e.Description) ? null : Text(e.Description),
            Url = string.IsNullOrWhiteSpace(e.Url) ? null : new Uri(e.Url),
            Organizer = new Organizer(Mailto(e.Organizer)) { CommonName = Text(e.Organizer.Name) },
            Status = "CONFIRMED",
            Transparency = "OPAQUE",
        };
        foreach (var attendee in e.Attendees)
        {
            vevent.Attendees.Add(new Attendee(Mailto(attendee))
            {
                CommonName = Text(attendee.Name),
                Role = "REQ-PARTICIPANT",
                ParticipationStatus = "NEEDS-ACTION",
                Rsvp = false,
            });
        }

        calendar.Events.Add(vevent);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    private static CalDateTime Utc(DateTimeOffset at) => new(at.UtcDateTime, "UTC");

    /// <summary>Ical.Net refuses an address that does not make a URI; an address holds no white space anyway.</summary>
    private static string Mailto(IcsPerson person) =>
        "mailto:" + new string(person.Email.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());

    /// <summary>
    /// Ical.Net escapes text and line breaks but passes other control characters through, which RFC 5545 3.1 does not
    /// allow in a value (a name or a title could carry one in from an import); they read as a space.
    /// </summary>
    private static string Text(string value) =>
        string.Create(value.Length, value, (chars, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                chars[i] = char.IsControl(text[i]) && text[i] is not ('\t' or '\r' or '\n') ? ' ' : text[i];
            }
        });
}
