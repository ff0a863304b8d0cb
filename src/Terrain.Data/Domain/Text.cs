namespace Terrain.Domain;

public static class Text
{
    /// <summary>Names and labels are one line of visible text: no line breaks, tabs or other control characters.</summary>
    public static string EnsurePrintable(string value, string field) =>
        value.Any(char.IsControl)
            ? throw new DomainException($"The {field} contains a line break or another control character.", field)
            : value;
}
