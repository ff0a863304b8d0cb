using System.Globalization;

namespace Terrain.Domain.Actuals;

/// <summary>
/// How one system's export writes activities or bookings: the heading of each field (the first of several names that
/// the header has), the fields a row cannot do without, and the one date format of the whole file, never guessed row
/// by row. Columns it does not name are ignored and listed in the report, as with <see cref="DealLayout"/>.
/// </summary>
public sealed record ActualsLayout<TField>(
    string Name,
    IReadOnlyDictionary<TField, string[]> Columns,
    IReadOnlyList<TField> Required,
    IReadOnlyList<string> DateFormats,
    char DecimalSeparator = '.')
    where TField : struct, Enum
{
    /// <summary>The thousands separator when the layout names one; else the other of point and comma.</summary>
    public char? ThousandsSeparator { get; init; }

    /// <summary>The required fields none of whose names the header has.</summary>
    public IReadOnlyList<TField> Missing(IReadOnlyList<string> header)
    {
        var names = header.Select(DealLayout.Normalize).ToHashSet();
        return Required.Where(f => !Columns.TryGetValue(f, out var options) || !options.Any(o => names.Contains(DealLayout.Normalize(o)))).ToList();
    }

    /// <summary>How the layout names a field: its first name.</summary>
    public string NameOf(TField field) => Columns.TryGetValue(field, out var names) ? names[0] : field.ToString();
}

/// <summary>Finding the layout of a file among several.</summary>
public static class ActualsLayout
{
    /// <summary>The first layout whose required columns the header has; null when none fits.</summary>
    public static ActualsLayout<TField>? Detect<TField>(IEnumerable<ActualsLayout<TField>> layouts, IReadOnlyList<string> header)
        where TField : struct, Enum =>
        layouts.FirstOrDefault(layout => layout.Missing(header).Count == 0);

    /// <summary>
    /// Names what the closest of <paramref name="layouts"/> lacks, and the likely cause when the header is one field
    /// holding semicolons or tabs.
    /// </summary>
    public static string Unrecognised<TField>(IReadOnlyList<ActualsLayout<TField>> layouts, IReadOnlyList<string> header, string what, bool chosen = false)
        where TField : struct, Enum
    {
        var closest = layouts.Select(l => (Layout: l, Missing: l.Missing(header))).MinBy(l => l.Missing.Count);
        var missing = string.Join(", ", closest.Missing.Select(f => $"'{closest.Layout.NameOf(f)}'"));
        var reason = chosen
            ? $"The header lacks the required column(s) {missing} of the mapping '{closest.Layout.Name}'."
            : $"The header matches no known {what} layout ({string.Join(", ", layouts.Select(l => l.Name))}). "
                + $"The closest, {closest.Layout.Name}, lacks the required column(s) {missing}.";
        return reason + DelimiterHint(header);
    }

    /// <summary>The likely cause when a header is one field holding semicolons or tabs; else empty.</summary>
    public static string DelimiterHint(IReadOnlyList<string> header) =>
        header.Count == 1 && header[0].IndexOfAny([';', '\t', '|']) >= 0
            ? " The header is a single field holding semicolons or tabs: save the file with commas between fields (CSV UTF-8, comma delimited)."
            : "";
}

/// <summary>
/// The cells of one file by field, settled once from the header: which column holds each field, how the file heads
/// it (to name the column at fault), and which columns the layout does not use.
/// </summary>
public sealed class ActualsColumns<TField>
    where TField : struct, Enum
{
    private readonly Dictionary<TField, int> _index = [];
    private readonly IReadOnlyList<string> _header;

    public ActualsColumns(ActualsLayout<TField> layout, IReadOnlyList<string> header)
    {
        Layout = layout;
        _header = header;
        var byName = header.Select((h, i) => (Name: DealLayout.Normalize(h), i)).GroupBy(h => h.Name).ToDictionary(g => g.Key, g => g.First().i);
        foreach (var (field, names) in layout.Columns)
        {
            foreach (var name in names)
            {
                if (byName.TryGetValue(DealLayout.Normalize(name), out var i))
                {
                    _index[field] = i;
                    break;
                }
            }
        }

        Ignored = header.Where((_, i) => !_index.ContainsValue(i)).Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
    }

    public ActualsLayout<TField> Layout { get; }

    /// <summary>The columns of the file that the layout does not use, for the report.</summary>
    public IReadOnlyList<string> Ignored { get; }

    public bool Has(TField field) => _index.ContainsKey(field);

    /// <summary>The index of the field's column, or -1.</summary>
    public int IndexOf(TField field) => _index.GetValueOrDefault(field, -1);

    /// <summary>The column as the file heads it, or as the layout names it when the file has none.</summary>
    public string Column(TField field) => _index.TryGetValue(field, out var i) ? _header[i].Trim().TrimStart('\uFEFF') : Layout.NameOf(field);

    /// <summary>The column of a field named by the domain (<see cref="DomainException.Field"/>), or that name.</summary>
    public string? ColumnOf(string? domainField) =>
        domainField is not null && Enum.TryParse<TField>(domainField, ignoreCase: true, out var field) ? Column(field) : domainField;

    public string Text(Func<int, string> cell, TField field) => _index.TryGetValue(field, out var i) ? cell(i).Trim() : "";

    public string? Optional(Func<int, string> cell, TField field) => Text(cell, field) is { Length: > 0 } value ? value : null;

    public string Required(Func<int, string> cell, TField field) =>
        Text(cell, field) is { Length: > 0 } value ? value : throw new DealRowException(Column(field), $"'{Column(field)}' is empty.");

    public DateOnly Date(Func<int, string> cell, TField field) => ActualsValues.Date(Required(cell, field), Column(field), Layout.DateFormats);

    public (decimal Amount, string? Currency) Amount(Func<int, string> cell, TField field) =>
        ActualsValues.Amount(Text(cell, field), Column(field), Layout.DecimalSeparator, Layout.ThousandsSeparator);
}

/// <summary>Values as exports write them, read the same way for every kind of actuals.</summary>
public static class ActualsValues
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["$"] = "USD",
        ["US$"] = "USD",
        ["€"] = "EUR",
        ["£"] = "GBP",
        ["¥"] = "JPY",
        ["C$"] = "CAD",
        ["A$"] = "AUD",
        ["CHF"] = "CHF",
    };

    /// <summary>A date in one of the layout's formats only; a time of day, where the export adds one, is dropped.</summary>
    public static DateOnly Date(string text, string column, IReadOnlyList<string> formats) =>
        DateTime.TryParseExact(text.Trim(), [.. formats], CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date)
            ? DateOnly.FromDateTime(date)
            : throw new DealRowException(column, $"'{text}' is not a date written {string.Join(" or ", formats)}.");

    /// <summary>
    /// An amount as exports write it: "12500", "12,500.00", "USD 12,500.00", "$12,500.00", "-1,200" or "(1,200.00)",
    /// with the layout's decimal separator; the currency of a prefix when there is one.
    /// </summary>
    public static (decimal Amount, string? Currency) Amount(string text, string column, char decimalSeparator, char? thousandsSeparator = null)
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            throw new DealRowException(column, $"'{column}' is empty.");
        }

        var negative = false;
        if (value.StartsWith('(') && value.EndsWith(')'))
        {
            negative = true;
            value = value[1..^1].Trim();
        }

        if (value.StartsWith('-'))
        {
            negative = !negative;
            value = value[1..].Trim();
        }

        string? currency = null;
        var prefix = new string(value.TakeWhile(c => !char.IsAsciiDigit(c) && c is not ('.' or ',' or '-')).ToArray()).Trim();
        if (prefix.Length > 0)
        {
            currency = Symbols.TryGetValue(prefix, out var code) ? code
                : prefix.Length == 3 && prefix.All(char.IsAsciiLetter) ? prefix.ToUpperInvariant()
                : throw new DealRowException(column, $"'{text}' is not an amount: '{prefix}' is not a currency.");
            value = value[prefix.Length..].Trim();
            if (value.StartsWith('-'))
            {
                // "USD -1,200.00", as finance systems write a credit.
                negative = !negative;
                value = value[1..].Trim();
            }
        }

        var thousands = thousandsSeparator ?? (decimalSeparator == '.' ? ',' : '.');
        var plain = value.Replace(thousands.ToString(), "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)
            .Replace('\u00A0'.ToString(), "", StringComparison.Ordinal);
        if (decimalSeparator == ',')
        {
            plain = plain.Replace(',', '.');
        }

        if (plain.Length == 0 || !decimal.TryParse(plain, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new DealRowException(column, $"'{text}' is not an amount.");
        }

        if (decimal.Round(amount, 2) != amount)
        {
            throw new DealRowException(column, $"'{text}' has more than two decimals.");
        }

        return (negative ? -amount : amount, currency);
    }
}

/// <summary>The fields of an activity row that an import reads.</summary>
public enum ActivityField
{
    ExternalId,
    Owner,
    Type,
    Subject,
    Date,
    Account,
    Held,
}

/// <summary>One activity row as read, before its owner and account are matched. <see cref="Held"/> is null when the row does not say.</summary>
public sealed record ActivityRow(string ExternalId, string Owner, string Type, DateOnly Date, string? Account, bool? Held);

/// <summary>Activities as Terrain, a Salesforce activity report and a HubSpot activities export write them.</summary>
public static class ActivityLayouts
{
    public static readonly ActualsLayout<ActivityField> Terrain = new("Terrain", new Dictionary<ActivityField, string[]>
    {
        [ActivityField.ExternalId] = ["externalId"],
        [ActivityField.Owner] = ["owner"],
        [ActivityField.Type] = ["type"],
        [ActivityField.Date] = ["date"],
        [ActivityField.Account] = ["account"],
        [ActivityField.Held] = ["held"],
    }, [ActivityField.ExternalId, ActivityField.Owner, ActivityField.Type, ActivityField.Date], ["yyyy-MM-dd"]);

    /// <summary>
    /// A Salesforce activity report ("Tasks and Events") exported as "Details only" CSV by a user with a US locale. Its
    /// type is the "Task/Event Type" or "Type" column, else read from the subject ("Call", "Email: ...").
    /// </summary>
    public static readonly ActualsLayout<ActivityField> Salesforce = new("Salesforce", new Dictionary<ActivityField, string[]>
    {
        [ActivityField.ExternalId] = ["Activity ID"],
        [ActivityField.Owner] = ["Assigned", "Assigned To"],
        [ActivityField.Type] = ["Task/Event Type", "Type", "Task Subtype"],
        [ActivityField.Subject] = ["Subject"],
        [ActivityField.Date] = ["Date", "Due Date", "Activity Date"],
        [ActivityField.Account] = ["Company / Account", "Account Name", "Account"],
        [ActivityField.Held] = ["Status"],
    }, [ActivityField.ExternalId, ActivityField.Owner, ActivityField.Date], ["M/d/yyyy", "M/d/yyyy h:mm tt", "M/d/yyyy H:mm"]);

    /// <summary>A HubSpot activities export: calls, meetings, emails and tasks with their outcome or status.</summary>
    public static readonly ActualsLayout<ActivityField> HubSpot = new("HubSpot", new Dictionary<ActivityField, string[]>
    {
        [ActivityField.ExternalId] = ["Record ID", "Activity ID"],
        [ActivityField.Owner] = ["Activity assigned to", "Assigned to", "Activity owner"],
        [ActivityField.Type] = ["Activity type"],
        [ActivityField.Subject] = ["Subject", "Title"],
        [ActivityField.Date] = ["Activity date"],
        [ActivityField.Account] = ["Associated Company", "Company name"],
        [ActivityField.Held] = ["Outcome", "Call outcome", "Meeting outcome", "Task status"],
    }, [ActivityField.ExternalId, ActivityField.Owner, ActivityField.Type, ActivityField.Date], ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"]);

    public static readonly IReadOnlyList<ActualsLayout<ActivityField>> BuiltIn = [Terrain, Salesforce, HubSpot];

    // CRM words for Terrain's types, normalized as headers are (no case, spaces, dashes or underscores).
    private static readonly Dictionary<string, string> Synonyms = new[]
    {
        ("Call", "call calls phone phonecall logacall coldcall outboundcall inboundcall"),
        ("Meeting", "meeting meetings event appointment videocall onlinemeeting conference"),
        ("Email", "email emails mail sendemail incomingemail forwardedemail listemail"),
        ("Demo", "demo demos demonstration productdemo"),
        ("Visit", "visit visits sitevisit onsite onsitevisit customervisit fieldvisit"),
        ("Task", "task tasks todo"),
        ("Other", "other sendletter letter postalmail sendquote linkedinmessage sms whatsapp note"),
    }.SelectMany(t => t.Item2.Split(' ').Select(word => (word, t.Item1))).ToDictionary(w => w.word, w => w.Item2, StringComparer.Ordinal);

    private static readonly HashSet<string> HeldWords =
        ["yes", "y", "true", "1", "held", "completed", "complete", "done", "closed", "connected", "leftlivemessage", "attended"];

    private static readonly HashSet<string> NotHeldWords =
    [
        "no", "n", "false", "0", "notheld", "notstarted", "open", "inprogress", "waitingonsomeoneelse", "deferred", "planned",
        "scheduled", "rescheduled", "canceled", "cancelled", "noshow", "busy", "noanswer", "leftvoicemail", "wrongnumber",
    ];

    /// <summary>Terrain's type for a CRM's word (call, phone call, event, e-mail, site visit, ...); null when it is none.</summary>
    public static string? TypeOf(string? text) =>
        text is null ? null : SalesActivity.TypeOf(text) ?? Synonyms.GetValueOrDefault(DealLayout.Normalize(text));

    /// <summary>
    /// The types a goal's name names ("Discovery meetings", "Calls and demos"), each as a whole word; none means the
    /// goal counts every type.
    /// </summary>
    public static IReadOnlyList<string> TypesNamedIn(string? name) =>
        (name ?? "").Split([' ', ',', ';', '/', '&', '+', '(', ')', '-', '.', ':'], StringSplitOptions.RemoveEmptyEntries)
            .Select(word => Synonyms.GetValueOrDefault(word.ToLowerInvariant()))
            .OfType<string>().Distinct().ToList();

    /// <summary>Whether a yes/no or a CRM status says the activity was held; null when the text is empty.</summary>
    public static bool? HeldOf(string text, string column)
    {
        var word = DealLayout.Normalize(text);
        return word.Length == 0 ? null
            : HeldWords.Contains(word) ? true
            : NotHeldWords.Contains(word) ? false
            : throw new DealRowException(column, $"'{text}' does not say whether the activity was held: use yes or no, true or false, or a status such as Completed or Not Started.");
    }

    /// <summary>Reads one row from its cells; throws <see cref="DealRowException"/> naming the column at fault.</summary>
    public static ActivityRow Read(ActualsColumns<ActivityField> columns, Func<int, string> cell)
    {
        var typeText = columns.Text(cell, ActivityField.Type);
        string type;
        if (typeText.Length > 0)
        {
            type = TypeOf(typeText) ?? throw new DealRowException(columns.Column(ActivityField.Type),
                $"'{typeText}' is not an activity type: use {string.Join(", ", SalesActivity.KnownTypes)} (or a usual synonym such as phone call, event, e-mail, site visit).");
        }
        else if (columns.Has(ActivityField.Type) && !columns.Has(ActivityField.Subject))
        {
            throw new DealRowException(columns.Column(ActivityField.Type), $"'{columns.Column(ActivityField.Type)}' is empty.");
        }
        else
        {
            // Salesforce logs a call or an email with a subject such as "Call" or "Email: Re: proposal" and no type.
            var subject = columns.Text(cell, ActivityField.Subject);
            var firstWord = subject.Split([' ', ':', '-'], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            type = TypeOf(subject) ?? TypeOf(firstWord) ?? "Other";
        }

        var account = columns.Optional(cell, ActivityField.Account);
        return new ActivityRow(
            columns.Required(cell, ActivityField.ExternalId),
            columns.Required(cell, ActivityField.Owner),
            type,
            columns.Date(cell, ActivityField.Date),
            account,
            HeldOf(columns.Text(cell, ActivityField.Held), columns.Column(ActivityField.Held)));
    }
}

/// <summary>The fields of a finance booking row that an import reads.</summary>
public enum BookingField
{
    ExternalId,
    LineId,
    Owner,
    Account,
    Date,
    Amount,
    Currency,
    Product,
    Opportunity,
}

/// <summary>One booking line as read, before owner, account and product are matched and the amount converted.</summary>
public sealed record BookingRow(
    string ExternalId,
    string LineId,
    string Owner,
    string? Account,
    DateOnly Date,
    decimal Amount,
    string? Currency,
    string? Product,
    string? Opportunity);

/// <summary>Finance bookings as Terrain's own columns write them.</summary>
public static class BookingLayouts
{
    public static readonly ActualsLayout<BookingField> Terrain = new("Terrain", new Dictionary<BookingField, string[]>
    {
        [BookingField.ExternalId] = ["externalId", "bookingId"],
        [BookingField.LineId] = ["lineId"],
        [BookingField.Owner] = ["owner"],
        [BookingField.Account] = ["account"],
        [BookingField.Date] = ["date", "bookingDate"],
        [BookingField.Amount] = ["amount"],
        [BookingField.Currency] = ["currency"],
        [BookingField.Product] = ["product"],
        [BookingField.Opportunity] = ["opportunity", "opportunityId"],
    }, [BookingField.ExternalId, BookingField.Owner, BookingField.Date, BookingField.Amount], ["yyyy-MM-dd"]);

    public static readonly IReadOnlyList<ActualsLayout<BookingField>> BuiltIn = [Terrain];

    /// <summary>Reads one row from its cells; throws <see cref="DealRowException"/> naming the column at fault.</summary>
    public static BookingRow Read(ActualsColumns<BookingField> columns, Func<int, string> cell)
    {
        var (amount, symbolCurrency) = columns.Amount(cell, BookingField.Amount);
        return new BookingRow(
            columns.Required(cell, BookingField.ExternalId),
            columns.Text(cell, BookingField.LineId),
            columns.Required(cell, BookingField.Owner),
            columns.Optional(cell, BookingField.Account),
            columns.Date(cell, BookingField.Date),
            amount,
            columns.Optional(cell, BookingField.Currency)?.ToUpperInvariant() ?? symbolCurrency,
            columns.Optional(cell, BookingField.Product),
            columns.Optional(cell, BookingField.Opportunity));
    }
}
