using Terrain.Domain.Actuals;
using Xunit;

namespace Terrain.Tests.Domain.Actuals;

/// <summary>Activity and booking rows as Terrain, Salesforce and HubSpot write them, read by their layout.</summary>
public sealed class ActualsLayoutTests
{
    private static ActivityRow Activity(ActualsColumns<ActivityField> columns, params string[] cells) =>
        ActivityLayouts.Read(columns, i => i < cells.Length ? cells[i] : "");

    [Fact]
    public void The_activity_layout_is_recognised_from_the_header_with_either_of_a_columns_names()
    {
        Assert.Same(ActivityLayouts.Terrain, ActualsLayout.Detect(ActivityLayouts.BuiltIn, ["externalId", "owner", "type", "date"]));
        Assert.Same(ActivityLayouts.Salesforce, ActualsLayout.Detect(ActivityLayouts.BuiltIn, ["\uFEFFAssigned", "Subject", "Type", "Due Date", "Activity ID"]));
        Assert.Same(ActivityLayouts.HubSpot, ActualsLayout.Detect(ActivityLayouts.BuiltIn, ["Record ID", "Activity date", "Activity type", "Activity assigned to"]));
        Assert.Null(ActualsLayout.Detect(ActivityLayouts.BuiltIn, ["id", "who"]));
        Assert.Same(BookingLayouts.Terrain, ActualsLayout.Detect(BookingLayouts.BuiltIn, ["bookingId", "owner", "bookingDate", "amount"]));

        var columns = new ActualsColumns<ActivityField>(ActivityLayouts.Salesforce, ["Assigned", "Subject", "Type", "Date", "Due Date", "Activity ID", "Priority"]);
        Assert.Equal(["Due Date", "Priority"], columns.Ignored);
        Assert.Equal("Type", columns.Column(ActivityField.Type));
    }

    [Theory]
    [InlineData("Phone Call", "Call")]
    [InlineData("log a call", "Call")]
    [InlineData("Event", "Meeting")]
    [InlineData("video_call", "Meeting")]
    [InlineData("E-mail", "Email")]
    [InlineData("Site Visit", "Visit")]
    [InlineData("product-demo", "Demo")]
    [InlineData("To-do", "Task")]
    [InlineData("Send Letter", "Other")]
    [InlineData("LinkedIn message", "Other")]
    [InlineData("MEETING", "Meeting")]
    public void Common_crm_words_map_to_terrains_activity_types(string word, string type) =>
        Assert.Equal(type, ActivityLayouts.TypeOf(word));

    [Fact]
    public void A_salesforce_row_takes_its_type_from_the_subject_when_the_type_is_empty_and_its_status_says_whether_it_was_held()
    {
        var columns = new ActualsColumns<ActivityField>(ActivityLayouts.Salesforce, ["Assigned", "Subject", "Task/Event Type", "Date", "Company / Account", "Status", "Activity ID"]);

        var call = Activity(columns, "Rosa Delgado", "Call", "", "3/4/2026", "Acme, Inc.", "Completed", "00T1");
        var email = Activity(columns, "Rosa Delgado", "Email: Re: pricing", "", "3/5/2026 4:05 PM", "", "Not Started", "00T2");
        var lunch = Activity(columns, "Rosa Delgado", "Lunch with the CFO", "", "3/6/2026", "", "", "00T3");

        Assert.Equal(new ActivityRow("00T1", "Rosa Delgado", "Call", new DateOnly(2026, 3, 4), "Acme, Inc.", true), call);
        Assert.Equal(("Email", new DateOnly(2026, 3, 5), (string?)null, (bool?)false), (email.Type, email.Date, email.Account, email.Held));
        Assert.Equal(("Other", (bool?)null), (lunch.Type, lunch.Held));
        var e = Assert.Throws<DealRowException>(() => Activity(columns, "Rosa", "Call", "Carrier pigeon", "3/4/2026", "", "", "00T4"));
        Assert.Equal("Task/Event Type", e.Column);
        Assert.Throws<DealRowException>(() => Activity(columns, "Rosa", "Call", "", "2026-03-04", "", "", "00T5"));
        Assert.Throws<DealRowException>(() => Activity(columns, "Rosa", "Call", "", "3/4/2026", "", "Perhaps", "00T6"));
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("TRUE", true)]
    [InlineData("Completed", true)]
    [InlineData("Connected", true)]
    [InlineData("no", false)]
    [InlineData("Not Started", false)]
    [InlineData("No show", false)]
    [InlineData("Canceled", false)]
    [InlineData("", null)]
    public void Held_reads_yes_no_and_crm_statuses(string text, bool? held) =>
        Assert.Equal(held, ActivityLayouts.HeldOf(text, "held"));

    [Theory]
    [InlineData("Discovery meetings", "Meeting")]
    [InlineData("Calls and demos", "Call,Demo")]
    [InlineData("Customer site visits (on-site)", "Visit")]
    [InlineData("Customer touches", "")]
    [InlineData("Emailing campaign", "")]
    public void A_goals_name_names_the_activity_types_it_counts(string name, string types) =>
        Assert.Equal(types, string.Join(",", ActivityLayouts.TypesNamedIn(name)));

    [Fact]
    public void A_booking_row_reads_negative_amounts_and_the_currency_of_a_prefix()
    {
        var columns = new ActualsColumns<BookingField>(BookingLayouts.Terrain, ["externalId", "lineId", "owner", "date", "amount", "currency", "Memo"]);

        var credit = BookingLayouts.Read(columns, i => new[] { "INV-9", "2", "rep@x", "2026-11-02", "(1,250.00)", "", "credit" }[i]);
        var euro = BookingLayouts.Read(columns, i => new[] { "INV-10", "", "rep@x", "2026-11-02", "EUR -300", "", "" }[i]);

        Assert.Equal(["Memo"], columns.Ignored);
        Assert.Equal(new BookingRow("INV-9", "2", "rep@x", null, new DateOnly(2026, 11, 2), -1_250m, null, null, null), credit);
        Assert.Equal((-300m, "EUR", ""), (euro.Amount, euro.Currency, euro.LineId));
    }
}
