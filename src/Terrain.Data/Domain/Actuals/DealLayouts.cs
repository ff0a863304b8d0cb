using System.Globalization;

namespace Terrain.Domain.Actuals;

/// <summary>The fields of an opportunity row that an import reads.</summary>
public enum DealField
{
    ExternalId,
    LineId,
    Name,
    Account,
    Owner,
    Stage,
    Forecast,
    Amount,
    Currency,
    Probability,
    CloseDate,
    CreatedDate,
    Type,
    Product,
    LossReason,
}

/// <summary>What a stage name means: won, lost or open, and the forecast category it implies when the file has none.</summary>
public sealed record StageMeaning(DealOutcome Outcome, ForecastCategory? Forecast = null);

/// <summary>
/// How one CRM's export writes opportunities: the header of each field, the one date format of the whole file (never
/// guessed row by row: 3/4/2026 is March 4 in a US export), the decimal separator, and what its stage names mean.
/// Columns it does not name are ignored and listed in the report. A company's own layout is a saved mapping of the
/// same shape.
/// </summary>
public sealed record DealLayout(
    string Name,
    IReadOnlyDictionary<DealField, string> Columns,
    IReadOnlyList<string> DateFormats,
    char DecimalSeparator,
    IReadOnlyDictionary<string, StageMeaning> Stages)
{
    /// <summary>A saved mapping that lists its stages refuses any other stage instead of taking it as open.</summary>
    public bool KnownStagesOnly { get; init; }

    /// <summary>The thousands separator when the layout names one; else the other of point and comma.</summary>
    public char? ThousandsSeparator { get; init; }

    /// <summary>Without these a row cannot be placed: whose deal, which one, how much, when, and where it stands.</summary>
    public static readonly IReadOnlyList<DealField> Required =
        [DealField.ExternalId, DealField.Owner, DealField.Stage, DealField.Amount, DealField.CloseDate];

    /// <summary>Terrain's own columns: ISO dates, a point for decimals, and the outcome in the stage or an explicit open/won/lost.</summary>
    public static readonly DealLayout Terrain = new("Terrain", new Dictionary<DealField, string>
    {
        [DealField.ExternalId] = "externalId",
        [DealField.LineId] = "lineId",
        [DealField.Name] = "name",
        [DealField.Account] = "account",
        [DealField.Owner] = "owner",
        [DealField.Stage] = "stage",
        [DealField.Forecast] = "forecastCategory",
        [DealField.Amount] = "amount",
        [DealField.Currency] = "currency",
        [DealField.Probability] = "probability",
        [DealField.CloseDate] = "closeDate",
        [DealField.CreatedDate] = "createdDate",
        [DealField.Type] = "type",
        [DealField.Product] = "product",
        [DealField.LossReason] = "lossReason",
    }, ["yyyy-MM-dd"], '.', StageNames(("Won", DealOutcome.Won), ("Closed Won", DealOutcome.Won), ("Lost", DealOutcome.Lost), ("Closed Lost", DealOutcome.Lost)));

    /// <summary>A Salesforce opportunity report exported as "Details only" CSV by a user with a US locale.</summary>
    public static readonly DealLayout Salesforce = new("Salesforce", new Dictionary<DealField, string>
    {
        [DealField.ExternalId] = "Opportunity ID",
        [DealField.LineId] = "Opportunity Product ID",
        [DealField.Name] = "Opportunity Name",
        [DealField.Account] = "Account Name",
        [DealField.Owner] = "Opportunity Owner",
        [DealField.Stage] = "Stage",
        [DealField.Forecast] = "Forecast Category",
        [DealField.Amount] = "Amount",
        [DealField.Currency] = "Opportunity Currency",
        [DealField.Probability] = "Probability (%)",
        [DealField.CloseDate] = "Close Date",
        [DealField.CreatedDate] = "Created Date",
        [DealField.Type] = "Type",
        [DealField.Product] = "Product Name",
        [DealField.LossReason] = "Loss Reason",
    }, ["M/d/yyyy", "M/d/yyyy h:mm tt", "M/d/yyyy H:mm"], '.', StageNames(("Closed Won", DealOutcome.Won), ("Closed Lost", DealOutcome.Lost)));

    /// <summary>A HubSpot deals export.</summary>
    public static readonly DealLayout HubSpot = new("HubSpot", new Dictionary<DealField, string>
    {
        [DealField.ExternalId] = "Record ID",
        [DealField.Name] = "Deal Name",
        [DealField.Account] = "Associated Company",
        [DealField.Owner] = "Deal owner",
        [DealField.Stage] = "Deal Stage",
        [DealField.Forecast] = "Forecast category",
        [DealField.Amount] = "Amount",
        [DealField.Currency] = "Currency",
        [DealField.Probability] = "Deal probability",
        [DealField.CloseDate] = "Close Date",
        [DealField.CreatedDate] = "Create Date",
        [DealField.Type] = "Deal Type",
        [DealField.LossReason] = "Closed lost reason",
    }, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"], '.', StageNames(("Closed won", DealOutcome.Won), ("Closed lost", DealOutcome.Lost)));

    public static readonly IReadOnlyList<DealLayout> BuiltIn = [Terrain, Salesforce, HubSpot];

    private static Dictionary<string, StageMeaning> StageNames(params (string Name, DealOutcome Outcome)[] stages) =>
        stages.ToDictionary(s => s.Name, s => new StageMeaning(s.Outcome, ForecastCategory.Closed), StringComparer.OrdinalIgnoreCase);

    /// <summary>The built-in layout whose required columns the header has, Terrain's first; null when none fits.</summary>
    public static DealLayout? Detect(IReadOnlyList<string> header) =>
        BuiltIn.FirstOrDefault(layout => layout.Missing(header).Count == 0);

    /// <summary>The required fields whose column the header lacks.</summary>
    public IReadOnlyList<DealField> Missing(IReadOnlyList<string> header)
    {
        var names = header.Select(Normalize).ToHashSet();
        return Required.Where(f => !Columns.TryGetValue(f, out var column) || !names.Contains(Normalize(column))).ToList();
    }

    /// <summary>Headers match ignoring case, spaces, dashes, underscores and a byte-order mark.</summary>
    public static string Normalize(string header) =>
        new(header.Trim().TrimStart('\uFEFF').Where(c => c is not (' ' or '-' or '_' or '\t')).Select(char.ToLowerInvariant).ToArray());

    /// <summary>What a stage name means: this layout's won and lost stages; any other stage is open.</summary>
    public StageMeaning MeaningOf(string stage) =>
        Stages.TryGetValue(stage.Trim(), out var meaning) ? meaning : new StageMeaning(DealOutcome.Open);
}

/// <summary>One opportunity row as read, before owner, account and product are matched and the amount converted.</summary>
public sealed record DealRow(
    string ExternalId,
    string LineId,
    string Name,
    string Account,
    string Owner,
    string Stage,
    DealOutcome Outcome,
    ForecastCategory Forecast,
    decimal Amount,
    string? Currency,
    int? Probability,
    DateOnly CloseDate,
    DateOnly? CreatedDate,
    DealType? Type,
    string? Product,
    string? LossReason);

/// <summary>A value of a row that could not be read: the column as the file names it, and why.</summary>
public sealed class DealRowException(string column, string message) : Exception(message)
{
    public string Column { get; } = column;
}

/// <summary>
/// Reads the rows of one file by its layout: which column holds which field is settled once from the header; the
/// columns the layout does not use are <see cref="Ignored"/>.
/// </summary>
public sealed class DealReader
{
    private readonly DealLayout _layout;
    private readonly Dictionary<DealField, int> _index = [];
    private readonly IReadOnlyList<string> _header;

    public DealReader(DealLayout layout, IReadOnlyList<string> header)
    {
        _layout = layout;
        _header = header;
        var missing = layout.Missing(header);
        if (missing.Count > 0)
        {
            throw new DomainException(
                $"The file has no {string.Join(", ", missing.Select(f => $"'{layout.Columns.GetValueOrDefault(f, f.ToString())}'"))} column " +
                $"that the {layout.Name} layout needs.", "header");
        }

        var byName = header.Select((h, i) => (Name: DealLayout.Normalize(h), i)).GroupBy(h => h.Name).ToDictionary(g => g.Key, g => g.First().i);
        foreach (var (field, column) in layout.Columns)
        {
            if (byName.TryGetValue(DealLayout.Normalize(column), out var i))
            {
                _index[field] = i;
            }
        }

        Ignored = header.Where((_, i) => !_index.ContainsValue(i)).ToList();
    }

    /// <summary>The columns of the file that the layout does not use, for the report.</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>Reads one row from its cells; throws <see cref="DealRowException"/> naming the column at fault.</summary>
    public DealRow Read(Func<int, string> cell)
    {
        string Text(DealField field) => _index.TryGetValue(field, out var i) ? cell(i).Trim() : "";
        string? Optional(DealField field) => Text(field) is { Length: > 0 } value ? value : null;

        var stage = Text(DealField.Stage);
        if (_layout.KnownStagesOnly && stage.Length > 0 && !_layout.Stages.ContainsKey(stage))
        {
            throw new DealRowException(Column(DealField.Stage),
                $"The stage '{stage}' is not in the mapping '{_layout.Name}'. Add it to the mapping with its outcome and forecast category, or fix the row.");
        }

        var meaning = _layout.MeaningOf(stage);
        var (amount, symbolCurrency) = Amount(Text(DealField.Amount), Column(DealField.Amount));
        var forecast = Optional(DealField.Forecast) is { } category
            ? Forecast(category, Column(DealField.Forecast))
            : meaning.Forecast ?? (meaning.Outcome == DealOutcome.Open ? ForecastCategory.Pipeline : ForecastCategory.Closed);
        // An export that repeats the opportunity on each product line without a line id tells the lines apart by product.
        var line = Optional(DealField.LineId) ?? (!_index.ContainsKey(DealField.LineId) ? Optional(DealField.Product) ?? "" : "");
        return new DealRow(
            Required(Text(DealField.ExternalId), DealField.ExternalId),
            line,
            Text(DealField.Name),
            Text(DealField.Account),
            Required(Text(DealField.Owner), DealField.Owner),
            Required(stage, DealField.Stage),
            meaning.Outcome,
            meaning.Outcome == DealOutcome.Open ? forecast : ForecastCategory.Closed,
            amount,
            Optional(DealField.Currency)?.ToUpperInvariant() ?? symbolCurrency,
            Optional(DealField.Probability) is { } p ? Probability(p, Column(DealField.Probability)) : null,
            Date(Required(Text(DealField.CloseDate), DealField.CloseDate), Column(DealField.CloseDate)),
            Optional(DealField.CreatedDate) is { } created ? Date(created, Column(DealField.CreatedDate)) : null,
            Optional(DealField.Type) is { } type ? TypeOf(type) : null,
            Optional(DealField.Product),
            meaning.Outcome == DealOutcome.Lost ? Optional(DealField.LossReason) : null);
    }

    private string Column(DealField field) => _index.TryGetValue(field, out var i) ? _header[i] : _layout.Columns.GetValueOrDefault(field, field.ToString());

    private string Required(string value, DealField field) =>
        value.Length > 0 ? value : throw new DealRowException(Column(field), $"'{Column(field)}' is empty.");

    /// <summary>An amount as exports write it, with the layout's decimal separator (<see cref="ActualsValues.Amount"/>).</summary>
    public (decimal Amount, string? Currency) Amount(string text, string column) => ActualsValues.Amount(text, column, _layout.DecimalSeparator, _layout.ThousandsSeparator);

    /// <summary>A date in one of the layout's formats only; a time of day, where the export adds one, is dropped.</summary>
    public DateOnly Date(string text, string column) => ActualsValues.Date(text, column, _layout.DateFormats);

    private static int Probability(string text, string column)
    {
        var value = text.Trim().TrimEnd('%').Trim();
        return decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 100
            ? (int)Math.Round(p, MidpointRounding.AwayFromZero)
            : throw new DealRowException(column, $"'{text}' is not a probability from 0 to 100.");
    }

    private static ForecastCategory Forecast(string text, string column) =>
        DealLayout.Normalize(text) switch
        {
            "pipeline" => ForecastCategory.Pipeline,
            "bestcase" or "upside" => ForecastCategory.BestCase,
            "commit" or "committed" => ForecastCategory.Commit,
            "omitted" or "omit" => ForecastCategory.Omitted,
            "closed" or "closedwon" => ForecastCategory.Closed,
            _ => throw new DealRowException(column, $"'{text}' is not a forecast category: use Pipeline, Best Case, Commit, Omitted or Closed."),
        };

    /// <summary>The deal type in CRM words; a type Terrain does not know is left out rather than refused.</summary>
    public static DealType? TypeOf(string text) =>
        DealLayout.Normalize(text) switch
        {
            "newbusiness" or "new" or "newcustomer" or "newlogo" => DealType.NewBusiness,
            "expansion" or "existingbusiness" or "upsell" or "crosssell" or "addon" => DealType.Expansion,
            "renewal" => DealType.Renewal,
            _ => null,
        };
}
