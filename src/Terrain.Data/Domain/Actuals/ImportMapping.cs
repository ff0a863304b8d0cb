using System.Globalization;
using System.Text.Json;

namespace Terrain.Domain.Actuals;

/// <summary>What a company's own stage name means: won, lost or open, and the forecast category it implies when the row has none.</summary>
public sealed record MappedStage(string Name, DealOutcome Outcome, ForecastCategory? Forecast = null);

/// <summary>One field of an actuals kind as a mapping names it, and whether a row can do without it.</summary>
public sealed record MappableField(string Name, bool Required);

/// <summary>
/// A company's own layout of an actuals export, mapped once and saved under a name (ADR 0018): which column holds which
/// field, what its stage names mean (opportunities), the date formats of the whole file, and the decimal and thousands
/// separators. It becomes a <see cref="DealLayout"/> or an <see cref="ActualsLayout{TField}"/> of the same shape as the
/// built-in ones; with stages listed, a stage the mapping does not know is refused rather than taken as open.
/// </summary>
public sealed class ImportMapping
{
    public const int MaxName = 100;

    public const int MaxColumn = 200;

    public const int MaxStages = 200;

    public const int MaxDateFormats = 5;

    public const int MaxDateFormat = 40;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly DateTime Probe = new(2026, 3, 14, 13, 45, 30);

    private ImportMapping()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public ImportKind Kind { get; private set; }

    /// <summary>Field (as <see cref="FieldsOf"/> names it) to the column heading, as JSON.</summary>
    public string ColumnsJson { get; private set; } = "{}";

    /// <summary>The stages of an opportunities mapping, as JSON; none means the built-in reading (won, lost, else open).</summary>
    public string StagesJson { get; private set; } = "[]";

    /// <summary>The date formats of the whole file, one per line, tried in order.</summary>
    public string DateFormats { get; private set; } = "";

    public char DecimalSeparator { get; private set; } = '.';

    /// <summary>The thousands separator, or empty for the usual one: the other of point and comma (spaces are always ignored).</summary>
    public string ThousandsSeparator { get; private set; } = "";

    public Guid Version { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public Guid? UpdatedById { get; private set; }

    public IReadOnlyDictionary<string, string> Columns =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(ColumnsJson, Json) ?? [];

    public IReadOnlyList<MappedStage> Stages => JsonSerializer.Deserialize<List<MappedStage>>(StagesJson, Json) ?? [];

    public IReadOnlyList<string> DateFormatList => DateFormats.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The kinds a mapping can be made for: the actuals that come from other systems' exports.</summary>
    public static bool Mappable(ImportKind kind) => kind is ImportKind.Opportunities or ImportKind.Activities or ImportKind.Bookings;

    /// <summary>The fields of a kind, as a mapping and Terrain's own columns name them.</summary>
    public static IReadOnlyList<MappableField> FieldsOf(ImportKind kind) => kind switch
    {
        ImportKind.Opportunities => DealLayout.Terrain.Columns.Select(c => new MappableField(c.Value, DealLayout.Required.Contains(c.Key))).ToList(),
        ImportKind.Activities => Enum.GetValues<ActivityField>()
            .Select(f => new MappableField(CamelCase(f.ToString()), f is ActivityField.ExternalId or ActivityField.Owner or ActivityField.Date)).ToList(),
        ImportKind.Bookings => Enum.GetValues<BookingField>()
            .Select(f => new MappableField(CamelCase(f.ToString()), BookingLayouts.Terrain.Required.Contains(f))).ToList(),
        ImportKind.Users or ImportKind.Accounts or ImportKind.Splits => [],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A kind without fields."),
    };

    /// <summary>Checks a new mapping; a refusal names the input at fault (name, kind, columns, stages, dateFormats, decimalSeparator, thousandsSeparator).</summary>
    public static ImportMapping Create(string? name, ImportKind kind, IReadOnlyDictionary<string, string>? columns, IReadOnlyList<MappedStage>? stages,
        IReadOnlyList<string>? dateFormats, string? decimalSeparator, string? thousandsSeparator, Guid? by, DateTimeOffset at)
    {
        if (!Mappable(kind))
        {
            throw new DomainException("A mapping is for opportunities, activities or bookings; users and accounts have one format.", "kind");
        }

        var mapping = new ImportMapping { Id = Guid.CreateVersion7(at), Kind = kind, CreatedAt = at };
        mapping.Change(name, columns, stages, dateFormats, decimalSeparator, thousandsSeparator, by, at);
        return mapping;
    }

    /// <summary>Replaces the whole mapping after checking it; a refusal changes nothing.</summary>
    public void Change(string? name, IReadOnlyDictionary<string, string>? columns, IReadOnlyList<MappedStage>? stages,
        IReadOnlyList<string>? dateFormats, string? decimalSeparator, string? thousandsSeparator, Guid? by, DateTimeOffset at)
    {
        var cleanName = CheckName(name);
        var cleanStages = CheckStages(Kind, stages);
        // An opportunities mapping of stages alone adds them to the built-in layouts: their columns, dates and separators.
        var stagesOnly = cleanStages.Count > 0 && (columns is null || columns.Values.All(string.IsNullOrWhiteSpace));
        var fields = stagesOnly ? new Dictionary<string, string>() : CheckColumns(Kind, columns);
        var formats = stagesOnly && (dateFormats ?? []).All(string.IsNullOrWhiteSpace) ? new List<string>() : CheckDateFormats(dateFormats);
        var (dec, thousands) = CheckSeparators(decimalSeparator, thousandsSeparator);
        (Name, ColumnsJson, StagesJson, DateFormats, DecimalSeparator, ThousandsSeparator) =
            (cleanName, JsonSerializer.Serialize(fields, Json), JsonSerializer.Serialize(cleanStages, Json), string.Join('\n', formats), dec, thousands);
        (Version, UpdatedAt, UpdatedById) = (Guid.NewGuid(), at, by);
    }

    /// <summary>
    /// An opportunities mapping that maps no column but lists stages: it reads a file by the built-in layout its header
    /// matches (Terrain, Salesforce, HubSpot), with the company's own stage names on top of the built-in reading.
    /// </summary>
    public bool StagesOnly => Kind == ImportKind.Opportunities && Columns.Count == 0;

    /// <summary>
    /// The opportunities layouts of this mapping: itself; or, for <see cref="StagesOnly"/>, each built-in layout with this
    /// mapping's stages added (a stage it does not list is read the built-in way, so the CRM's other stages still count).
    /// </summary>
    public IEnumerable<DealLayout> ToDealLayouts()
    {
        if (!StagesOnly)
        {
            return [ToDealLayout()];
        }

        var mine = Stages;
        return DealLayout.BuiltIn.Select(layout =>
        {
            var stages = new Dictionary<string, StageMeaning>(layout.Stages, StringComparer.OrdinalIgnoreCase);
            foreach (var stage in mine)
            {
                stages[stage.Name] = new StageMeaning(stage.Outcome, stage.Forecast);
            }

            return layout with { Name = $"{layout.Name} + {Name}", Stages = stages, KnownStagesOnly = false };
        }).ToList();
    }

    /// <summary>This mapping as an opportunities layout.</summary>
    public DealLayout ToDealLayout()
    {
        var columns = Columns.ToDictionary(c => Enum.Parse<DealField>(DealFieldOf(c.Key)), c => c.Value);
        var stages = Stages.ToDictionary(s => s.Name, s => new StageMeaning(s.Outcome, s.Forecast), StringComparer.OrdinalIgnoreCase);
        return new DealLayout(Name, columns, DateFormatList, DecimalSeparator, stages)
        {
            KnownStagesOnly = stages.Count > 0,
            ThousandsSeparator = Thousands,
        };
    }

    /// <summary>This mapping as an activities or bookings layout.</summary>
    public ActualsLayout<TField> ToLayout<TField>()
        where TField : struct, Enum
    {
        var columns = Columns.ToDictionary(c => Enum.Parse<TField>(c.Key, ignoreCase: true), c => new[] { c.Value });
        var required = FieldsOf(Kind).Where(f => f.Required).Select(f => Enum.Parse<TField>(f.Name, ignoreCase: true)).ToList();
        return new ActualsLayout<TField>(Name, columns, required, DateFormatList, DecimalSeparator) { ThousandsSeparator = Thousands };
    }

    private char? Thousands => ThousandsSeparator.Length == 1 ? ThousandsSeparator[0] : null;

    private static string DealFieldOf(string field) =>
        DealLayout.Terrain.Columns.Single(c => string.Equals(c.Value, field, StringComparison.OrdinalIgnoreCase)).Key.ToString();

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string CheckName(string? name)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length == 0)
        {
            throw new DomainException("Give the mapping a name, such as the system or report it reads.", "name");
        }

        if (clean.Length > MaxName || clean.Any(char.IsControl))
        {
            throw new DomainException($"The name is at most {MaxName} characters on one line.", "name");
        }

        if (DealLayout.BuiltIn.Any(l => string.Equals(l.Name, clean, StringComparison.OrdinalIgnoreCase))
            || string.Equals(clean, "auto", StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainException($"'{clean}' is the name of a built-in layout; choose another.", "name");
        }

        return clean;
    }

    /// <summary>The column → field map checked and turned around (field → column): fields known, each once, the required ones there.</summary>
    private static Dictionary<string, string> CheckColumns(ImportKind kind, IReadOnlyDictionary<string, string>? columns)
    {
        var known = FieldsOf(kind);
        var byField = new Dictionary<string, string>(StringComparer.Ordinal);
        var headings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawColumn, rawField) in columns ?? new Dictionary<string, string>())
        {
            var column = rawColumn?.Trim().TrimStart('\uFEFF') ?? "";
            var fieldText = rawField?.Trim() ?? "";
            if (fieldText.Length == 0)
            {
                // A column left unmapped in the form: the import ignores it and lists it.
                continue;
            }

            if (column.Length == 0 || column.Length > MaxColumn || column.Any(char.IsControl))
            {
                throw new DomainException($"A column heading is 1 to {MaxColumn} characters on one line.", "columns");
            }

            var field = known.FirstOrDefault(f => string.Equals(f.Name, fieldText, StringComparison.OrdinalIgnoreCase))
                ?? throw new DomainException($"The column '{column}' is mapped to '{fieldText}', which is not a field of {Lower(kind)}. " +
                    $"The fields are {string.Join(", ", known.Select(f => f.Name))}.", "columns");
            if (byField.TryGetValue(field.Name, out var other))
            {
                throw new DomainException($"The field {field.Name} is mapped twice, from '{other}' and from '{column}'. Map it from one column.", "columns");
            }

            if (headings.TryGetValue(DealLayout.Normalize(column), out var same))
            {
                throw new DomainException($"The columns '{same}' and '{column}' are the same heading (case, spaces, dashes and underscores are ignored).", "columns");
            }

            headings[DealLayout.Normalize(column)] = column;
            byField[field.Name] = column;
        }

        var missing = known.Where(f => f.Required && !byField.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        if (missing.Count > 0)
        {
            throw new DomainException($"The required field(s) {string.Join(", ", missing)} are mapped from no column.", "columns");
        }

        return byField;
    }

    private static List<MappedStage> CheckStages(ImportKind kind, IReadOnlyList<MappedStage>? stages)
    {
        var clean = new List<MappedStage>();
        foreach (var stage in stages ?? [])
        {
            var name = stage.Name?.Trim() ?? "";
            if (name.Length == 0)
            {
                continue;
            }

            if (kind != ImportKind.Opportunities)
            {
                throw new DomainException("Only an opportunities mapping has stages.", "stages");
            }

            if (name.Length > MaxColumn || name.Any(char.IsControl))
            {
                throw new DomainException($"A stage name is 1 to {MaxColumn} characters on one line.", "stages");
            }

            if (!Enum.IsDefined(stage.Outcome) || (stage.Forecast is { } f && !Enum.IsDefined(f)))
            {
                throw new DomainException($"The stage '{name}' needs an outcome of Open, Won or Lost and a forecast category of Pipeline, BestCase, Commit, Omitted or Closed.", "stages");
            }

            if (clean.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new DomainException($"The stage '{name}' is listed twice.", "stages");
            }

            var forecast = stage.Outcome == DealOutcome.Open ? stage.Forecast ?? ForecastCategory.Pipeline : ForecastCategory.Closed;
            if (stage.Outcome == DealOutcome.Open && forecast == ForecastCategory.Closed)
            {
                throw new DomainException($"The stage '{name}' is open, so its forecast category cannot be Closed.", "stages");
            }

            clean.Add(new MappedStage(name, stage.Outcome, forecast));
        }

        if (clean.Count > MaxStages)
        {
            throw new DomainException($"At most {MaxStages} stages.", "stages");
        }

        return clean;
    }

    /// <summary>Each format must write and read back a date (day, month and year) unchanged: "dd.mm.yyyy" (minutes) is caught here.</summary>
    private static List<string> CheckDateFormats(IReadOnlyList<string>? dateFormats)
    {
        var formats = (dateFormats ?? []).Select(f => f?.Trim() ?? "").Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (formats.Count == 0)
        {
            throw new DomainException("Give the date format of the file, such as dd.MM.yyyy, M/d/yyyy or yyyy-MM-dd.", "dateFormats");
        }

        if (formats.Count > MaxDateFormats)
        {
            throw new DomainException($"At most {MaxDateFormats} date formats.", "dateFormats");
        }

        foreach (var format in formats)
        {
            if (format.Length > MaxDateFormat || !RoundTrips(format))
            {
                throw new DomainException($"'{format}' is not a date format that writes and reads back a day, a month and a year. "
                    + "Use d or dd for the day, M or MM for the month (mm is minutes), yyyy for the year, e.g. dd.MM.yyyy.", "dateFormats");
            }
        }

        return formats;
    }

    private static bool RoundTrips(string format)
    {
        try
        {
            var text = Probe.ToString(format, CultureInfo.InvariantCulture);
            return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var back) && back.Date == Probe.Date;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static (char Decimal, string Thousands) CheckSeparators(string? decimalSeparator, string? thousandsSeparator)
    {
        var dec = decimalSeparator is { Length: > 0 } d ? d : ".";
        if (dec is not ("." or ","))
        {
            throw new DomainException("The decimal separator is a point (.) or a comma (,).", "decimalSeparator");
        }

        var thousands = thousandsSeparator ?? "";
        if (thousands is not ("" or "," or "." or " " or "'"))
        {
            throw new DomainException("The thousands separator is empty (the other of point and comma), a comma, a point, a space or an apostrophe (').", "thousandsSeparator");
        }

        if (thousands == dec)
        {
            throw new DomainException($"The thousands separator cannot be the decimal separator ({dec}).", "thousandsSeparator");
        }

        return (dec[0], thousands);
    }

    private static string Lower(ImportKind kind) => kind.ToString().ToLowerInvariant();
}
