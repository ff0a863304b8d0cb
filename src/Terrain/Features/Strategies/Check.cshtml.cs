using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>
/// The comprehension check. A rep takes it (one fieldset of options per question, in a new order each attempt), sees
/// the score, not which answers were wrong, tries again until they pass, then acknowledges the strategy right here. A leader writes the check until
/// reps have taken it; managers and admins read it. The acknowledge button of the strategy page posts here too.
/// </summary>
public sealed partial class CheckModel(BuyInHandlers buyIn) : PageModel, IReloadsOnRefusal
{
    /// <summary>The questions of the check a rep answered, to name the one a refusal is about by its position.</summary>
    private List<CheckQuestion> _questions = [];

    /// <summary>The question blocks of a leader's form that held something, in order: the ones saved.</summary>
    private List<int> _used = [];

    /// <summary>Blank question blocks offered beyond the existing questions.</summary>
    public const int SpareBlocks = 3;

    public const int MaxOptions = 6;

    public BuyInStrategy Strategy { get; private set; } = null!;

    public CheckView View { get; private set; } = null!;

    /// <summary>The rep's last attempt: its score, and its answers to start the next one from.</summary>
    public (CheckAttemptRow Attempt, IReadOnlyDictionary<string, int> Answers)? Last { get; private set; }

    /// <summary>Once acknowledged, the rep's plan to go on to.</summary>
    public NextPlan? NextPlan { get; private set; }

    /// <summary>The order of a question's options in this attempt (<see cref="ComprehensionCheck.OptionOrder"/>).</summary>
    public int[] OptionOrder(string questionId, int options) =>
        ComprehensionCheck.OptionOrder(buyIn.Actor.Id, questionId, View.Attempts?.Count ?? 0, options);

    /// <summary>Errors by field: "questions[2].correct", "passPercent", "answers[1]"; "" for the form as a whole.</summary>
    public Dictionary<string, string> Errors { get; } = [];

    /// <summary>Why the acknowledgement was refused, shown beside its button.</summary>
    public string? AcknowledgeError { get; private set; }

    [TempData(Key = BuyInFormat.FlashKey)]
    public string? Flash { get; set; }

    [BindProperty]
    public CheckForm Form { get; set; } = new();

    /// <summary>The answers the rep posted, by question position, shown again when the attempt was refused.</summary>
    public Dictionary<int, int> Posted { get; private set; } = [];

    public bool IsRep => Permissions.May(buyIn.Actor, Act.BuyIn);

    public bool Published => Strategy.Status == StrategyStatus.Published;

    public bool HasCheck => View.Questions.Count > 0;

    public bool Passed => View.Passed == true;

    public string? Error(string field) => Errors.GetValueOrDefault(field);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostTakeAsync(Guid id, Dictionary<int, int>? answers, string? version, CancellationToken ct)
    {
        if (await buyIn.FindAsync(id, ct) is not { } strategy)
        {
            return NotFound();
        }

        Posted = answers ?? [];
        var questions = _questions = strategy.Check.Questions;
        if (version is not null && version != strategy.Version)
        {
            throw new InvalidStateException("The check changed since you opened it. Answer the questions again.", "");
        }

        var byId = Posted.Where(a => a.Key >= 0 && a.Key < questions.Count).ToDictionary(a => questions[a.Key].Id!, a => a.Value);
        if (await buyIn.TakeCheckAsync(id, byId, null, ct) is not { } result)
        {
            return NotFound();
        }

        // A failed attempt is explained by the "last attempt" box and the marked questions, not by a success banner.
        Flash = result.Passed ? $"You passed the check: {result.Correct} of {result.Total} right. Now acknowledge the strategy below." : null;
        return Redirect($"/Strategies/{id}/Check");
    }

    /// <summary>Acknowledges; <paramref name="from"/> is "strategy" when the button was on the strategy page, to go back there.</summary>
    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, string? from, CancellationToken ct)
    {
        if (await buyIn.AcknowledgeAsync(id, null, ct) is not { } result)
        {
            return NotFound();
        }

        Flash = $"Thank you: you acknowledged the strategy on {BuyInFormat.Date(result.AcknowledgedAt)}.";
        return Redirect(from == "strategy" ? $"/Strategies/{id}" : $"/Strategies/{id}/Check");
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken ct)
    {
        var blocks = Form.Questions ?? [];
        var used = _used = [];
        var questions = new List<CheckQuestionInput?>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var b = blocks[i];
            var options = (b.Options ?? "").Split('\n').Select(o => o.Trim()).Where(o => o.Length > 0).ToList();
            if (string.IsNullOrWhiteSpace(b.Text) && options.Count == 0)
            {
                continue;
            }

            used.Add(i);
            questions.Add(new CheckQuestionInput(b.Id, b.Text, [.. options], b.Correct));
        }

        if (await buyIn.SetCheckAsync(id, new CheckInput(questions, Form.PassPercent), Form.Version, ct) is not { } saved)
        {
            return NotFound();
        }

        Flash = saved.Questions.Count == 0
            ? "The check is removed: reps acknowledge the strategy directly."
            : $"The check is saved: {saved.Questions.Count} question{(saved.Questions.Count == 1 ? "" : "s")}, pass mark {saved.PassPercent}%.";
        return Redirect($"/Strategies/{id}/Check");
    }

    /// <summary>The question blocks of the leader's form: the posted ones after a refusal, else the check plus a few blank ones.</summary>
    public IReadOnlyList<QuestionBlock> Blocks()
    {
        if (Form.Questions is { Count: > 0 } posted)
        {
            return posted;
        }

        var blocks = View.Questions.Select(q => new QuestionBlock
        {
            Id = q.Id,
            Text = q.Text,
            Options = string.Join("\n", q.Options),
            Correct = q.Correct,
        }).ToList();
        while (blocks.Count < Math.Min(ComprehensionCheck.MaxQuestions, View.Questions.Count + SpareBlocks))
        {
            blocks.Add(new QuestionBlock());
        }

        return blocks;
    }

    /// <summary>A refused attempt, acknowledgement or check: the page again, the refusal beside the form it is about.</summary>
    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        var refusal = HttpContext.Refusal()!;
        var form = Form;
        if (!await LoadAsync(Guid.Parse((string)RouteData.Values["id"]!, CultureInfo.InvariantCulture), ct))
        {
            return NotFound();
        }

        switch (handler)
        {
            case "Acknowledge":
                AcknowledgeError = refusal.Message;
                break;
            case "Save":
                // Shown again without the blank blocks in between, so that "Question 3" in a message is the third block.
                var blocks = form.Questions ?? [];
                form.Questions = [.. _used.Select(i => blocks[i])];
                while (form.Questions.Count < Math.Min(ComprehensionCheck.MaxQuestions, _used.Count + SpareBlocks))
                {
                    form.Questions.Add(new QuestionBlock());
                }

                Form = form;
                Errors[FormField(refusal.Field, _used.Count)] = refusal.Message;
                break;
            default:
                // "answers.{question id}" names a question; the form names it by position.
                var field = refusal.Field is { } f && f.StartsWith("answers.", StringComparison.Ordinal)
                    ? _questions.FindIndex(q => q.Id == f["answers.".Length..]) is var at and >= 0 ? $"answers[{at}]" : ""
                    : "";
                Errors[field] = refusal.Message;
                break;
        }

        return null;
    }

    /// <summary>Maps the domain's field ("questions[1].options[2]") to the form's ("questions[1].options").</summary>
    private static string FormField(string? field, int sent)
    {
        if (field is null)
        {
            return "";
        }

        if (field == "passPercent")
        {
            return field;
        }

        var match = QuestionField().Match(field);
        if (!match.Success)
        {
            return "";
        }

        var k = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (k >= sent)
        {
            return "";
        }

        var property = match.Groups[2].Value switch
        {
            var p when p.StartsWith(".options", StringComparison.Ordinal) => ".options",
            ".correct" or ".text" => match.Groups[2].Value,
            _ => ".text",
        };
        return $"questions[{k}]{property}";
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await buyIn.FindAsync(id, ct) is not { } strategy || await buyIn.GetCheckAsync(id, ct) is not { } view)
        {
            return false;
        }

        (Strategy, View) = (strategy, view);
        Form = new CheckForm { PassPercent = view.PassPercent, Version = strategy.Version };
        if (IsRep)
        {
            Last = await buyIn.LastAttemptAsync(strategy, ct);
            NextPlan = view.AcknowledgedAt is null ? null : await buyIn.NextPlanAsync(ct);
        }

        return true;
    }

    [GeneratedRegex(@"^questions\[(\d+)\](.*)$")]
    private static partial Regex QuestionField();
}

/// <summary>The leader's check form: question blocks with options one per line, and the pass mark.</summary>
public sealed class CheckForm
{
    public List<QuestionBlock>? Questions { get; set; }

    public int? PassPercent { get; set; }

    public string? Version { get; set; }
}

public sealed class QuestionBlock
{
    public string? Id { get; set; }

    public string? Text { get; set; }

    /// <summary>One option per line.</summary>
    public string? Options { get; set; }

    /// <summary>The index of the correct line, from 0.</summary>
    public int? Correct { get; set; }
}
