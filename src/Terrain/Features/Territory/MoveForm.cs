namespace Terrain.Features.Territory;

/// <summary>What the move controls of an account list show: where to choose from, where to post, what filter to keep.</summary>
public sealed record MoveForm(
    string FormId,
    string Action,
    IReadOnlyList<(Guid Id, string Label)> Territories,
    IReadOnlyDictionary<string, string?> Hidden,
    string SelectedHandler,
    string? AllHandler,
    int Total,
    IReadOnlyList<string> Errors);
