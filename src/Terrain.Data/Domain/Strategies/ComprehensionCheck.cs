using System.Text.Json;
using System.Text.Json.Serialization;

namespace Terrain.Domain.Strategies;

/// <summary>A multiple-choice question with one correct option.</summary>
public sealed class CheckQuestion
{
    public string? Id { get; set; }

    public string? Text { get; set; }

    public List<string> Options { get; set; } = [];

    /// <summary>The index of the correct option; never shown to reps before they pass.</summary>
    public int? Correct { get; set; }
}

/// <summary>The outcome of one attempt: which questions were right, the score, and whether it passes.</summary>
public sealed record CheckGrade(int Correct, int Total, int Percent, bool Passed, IReadOnlyList<string> WrongQuestionIds);

/// <summary>
/// A short comprehension check on the strategy: a few multiple-choice questions, each with exactly one correct option,
/// and the share of right answers needed to pass. A rep may try again until they pass; every attempt is kept.
/// </summary>
public sealed class ComprehensionCheck
{
    public const int MaxQuestions = 20;

    public List<CheckQuestion> Questions { get; set; } = [];

    /// <summary>The share of right answers needed, 50 to 100 percent.</summary>
    public int PassPercent { get; set; } = 80;

    [JsonIgnore]
    public bool IsEmpty => Questions.Count == 0;

    public static ComprehensionCheck Read(string json) =>
        JsonSerializer.Deserialize<ComprehensionCheck>(json, StrategyContent.Json) ?? new ComprehensionCheck();

    public string Write() => JsonSerializer.Serialize(this, StrategyContent.Json);

    public void Normalize()
    {
        Questions ??= [];
        Fields.EnsureAtMost(Questions, MaxQuestions, "questions", "questions");
        if (PassPercent is < 50 or > 100)
        {
            throw new DomainException("The pass mark is 50 to 100 percent of the questions.", "passPercent");
        }

        var ids = new HashSet<string>();
        for (var i = 0; i < Questions.Count; i++)
        {
            var q = Questions[i];
            var f = $"questions[{i}]";
            q.Text = Fields.Clean(q.Text, $"{f}.text", 500) ?? throw new DomainException($"Question {i + 1} has no text.", $"{f}.text");
            q.Options ??= [];
            Fields.EnsureAtMost(q.Options, 6, $"{f}.options", "options per question");
            var options = q.Options.Select((o, j) => Fields.Clean(o, $"{f}.options[{j}]", 300)).ToList();
            if (options.Any(o => o is null))
            {
                throw new DomainException($"Question {i + 1}: option {options.FindIndex(o => o is null) + 1} is empty.", $"{f}.options");
            }

            q.Options = options.OfType<string>().ToList();
            if (q.Options.Count < 2)
            {
                throw new DomainException($"Question {i + 1} needs at least two options to choose from.", $"{f}.options");
            }

            if (q.Options.Distinct(StringComparer.OrdinalIgnoreCase).Count() != q.Options.Count)
            {
                throw new DomainException($"Question {i + 1} lists the same option twice.", $"{f}.options");
            }

            if (q.Correct is not { } correct)
            {
                throw new DomainException($"Question {i + 1} has no correct answer: say which option is right.", $"{f}.correct");
            }

            if (correct < 0 || correct >= q.Options.Count)
            {
                throw new DomainException($"Question {i + 1}: the correct answer must be one of its {q.Options.Count} options (0 to {q.Options.Count - 1}).", $"{f}.correct");
            }

            q.Id = string.IsNullOrWhiteSpace(q.Id) ? Fields.NewId() : q.Id.Trim();
            if (q.Id.Length > 40 || !ids.Add(q.Id))
            {
                throw new DomainException($"Question {i + 1} has an id that is too long or used twice.", $"{f}.id");
            }
        }
    }

    /// <summary>
    /// The order in which a rep sees a question's options on a given attempt: a permutation of 0..options-1 that
    /// changes from one attempt to the next and differs between reps, so that the right answer is not "always the
    /// second". The same (rep, question, attempt) always gives the same order, so a page reloaded mid-attempt does not
    /// move the options under the rep. Answers are still given as the option's own index, whatever its place.
    /// </summary>
    public static int[] OptionOrder(Guid repId, string questionId, int attempt, int options)
    {
        var order = Enumerable.Range(0, options).ToArray();
        // FNV-1a over the three: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in $"{repId:N}:{questionId}:{attempt}")
        {
            hash = (hash ^ c) * 16777619u;
        }

        var random = new Random((int)hash);
        random.Shuffle(order);
        return order;
    }

    /// <summary>Grades a complete set of answers (question id → option index); an unanswered or unknown question is refused.</summary>
    public CheckGrade Grade(IReadOnlyDictionary<string, int> answers)
    {
        if (IsEmpty)
        {
            throw new InvalidStateException("This strategy has no comprehension check.", "check");
        }

        foreach (var id in answers.Keys.Where(id => Questions.All(q => q.Id != id)))
        {
            throw new DomainException($"'{id}' is not a question of this check.", $"answers.{id}");
        }

        var wrong = new List<string>();
        for (var i = 0; i < Questions.Count; i++)
        {
            var q = Questions[i];
            if (!answers.TryGetValue(q.Id!, out var answer))
            {
                throw new DomainException($"Question {i + 1} is not answered.", $"answers.{q.Id}");
            }

            if (answer < 0 || answer >= q.Options.Count)
            {
                throw new DomainException($"Question {i + 1} has {q.Options.Count} options; {answer} is not one of them.", $"answers.{q.Id}");
            }

            if (answer != q.Correct)
            {
                wrong.Add(q.Id!);
            }
        }

        var correct = Questions.Count - wrong.Count;
        var percent = (int)Math.Floor(100m * correct / Questions.Count);
        return new CheckGrade(correct, Questions.Count, percent, percent >= PassPercent, wrong);
    }
}
