using Terrain.Domain;
using Terrain.Features.Users;

namespace Terrain.Features.Territory;

/// <summary>
/// Whose territory a manager, leader or admin looks at. A short list of reps is a drop-down; past
/// <see cref="ListLimit"/> reps (a leader of 2,000) it is a search box that suggests names as one types and resolves
/// what was typed on the server, so that it also works without JavaScript and the page never lists every rep.
/// </summary>
public sealed class RepPicker(UserQueries users)
{
    public const int ListLimit = 50;

    public const int Suggestions = 12;

    /// <summary>Every rep the caller sees when they are few enough for a drop-down, else null (search instead).</summary>
    public async Task<IReadOnlyList<PersonChoice>?> ListAsync(CancellationToken ct)
    {
        var first = await users.FindAsync(Role.Rep, null, ListLimit + 1, ct);
        return first.Count > ListLimit ? null : first;
    }

    public Task<List<PersonChoice>> SuggestAsync(string? term, CancellationToken ct) =>
        users.FindAsync(Role.Rep, LabelEmail(term) ?? term, Suggestions, ct);

    /// <summary>
    /// The one rep that what was typed names: a picked suggestion ("Name (email)"), an exact name or email, or the only
    /// rep whose name or email contains it. Otherwise no rep, and the closest matches to choose from.
    /// </summary>
    public async Task<(PersonChoice? Rep, IReadOnlyList<PersonChoice> Matches)> ResolveAsync(string typed, CancellationToken ct)
    {
        var term = typed.Trim();
        var email = LabelEmail(term);
        var found = await users.FindAsync(Role.Rep, email ?? term, Suggestions, ct);
        var exact = found.Where(p => email is not null
            ? string.Equals(p.Email, email, StringComparison.OrdinalIgnoreCase)
            : string.Equals(p.DisplayName, term, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Email, term, StringComparison.OrdinalIgnoreCase)).ToList();
        return exact.Count == 1 ? (exact[0], []) : found.Count == 1 ? (found[0], []) : (null, found);
    }

    public Task<PersonChoice?> GetAsync(Guid id, CancellationToken ct) => users.ChoiceAsync(id, Role.Rep, ct);

    /// <summary>The email of a picked suggestion, "Name (email)".</summary>
    private static string? LabelEmail(string? label)
    {
        if (label is null || !label.EndsWith(')'))
        {
            return null;
        }

        var open = label.LastIndexOf('(');
        var inside = open < 0 ? "" : label[(open + 1)..^1].Trim();
        return inside.Contains('@') ? inside : null;
    }
}
