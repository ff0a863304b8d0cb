using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>
/// Questions and concerns about the strategy, across its revisions. A rep raises them and reads the answers; the rep's
/// manager and the leaders see the open ones first, each with a form to answer it.
/// </summary>
public sealed class QuestionsModel(BuyInHandlers buyIn) : PageModel
{
    public BuyInStrategy Strategy { get; private set; } = null!;

    public IReadOnlyList<QuestionRow> Questions { get; private set; } = [];

    [TempData(Key = BuyInFormat.FlashKey)]
    public string? Flash { get; set; }

    /// <summary>Why the question was refused, with what the rep wrote.</summary>
    public string? AskError { get; private set; }

    public string? AskPart { get; private set; }

    public string? AskBody { get; private set; }

    /// <summary>Which question's answer was refused, why, and the text.</summary>
    public (Guid Question, string Message, string? Answer)? AnswerError { get; private set; }

    public bool IsRep => buyIn.Actor.Role == Role.Rep;

    public bool CanAsk => IsRep && Strategy.Status == StrategyStatus.Published;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAskAsync(Guid id, string? part, string? body, CancellationToken ct)
    {
        QuestionRow? question;
        try
        {
            question = await buyIn.AskAsync(id, new QuestionInput(part, body), ct);
        }
        catch (DomainException e)
        {
            if (!await LoadAsync(id, ct))
            {
                return NotFound();
            }

            (AskError, AskPart, AskBody) = (e.Message, part, body);
            Response.StatusCode = Problems.StatusFor(e);
            return Page();
        }

        if (question is null)
        {
            return NotFound();
        }

        Flash = "Your question is sent. Your manager has been told; the answer will appear here.";
        return Redirect($"/Strategies/{id}/Questions#question-{question.Id}");
    }

    public async Task<IActionResult> OnPostAnswerAsync(Guid id, Guid questionId, string? answer, string? version, CancellationToken ct)
    {
        QuestionRow? question;
        try
        {
            question = await buyIn.AnswerAsync(id, questionId, answer, string.IsNullOrEmpty(version) ? null : version, ct);
        }
        catch (DomainException e)
        {
            if (!await LoadAsync(id, ct))
            {
                return NotFound();
            }

            AnswerError = (questionId, e.Message, answer);
            Response.StatusCode = Problems.StatusFor(e);
            return Page();
        }

        if (question is null)
        {
            return NotFound();
        }

        Flash = $"Your answer is sent to {question.AskedBy}.";
        return Redirect($"/Strategies/{id}/Questions#question-{question.Id}");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await buyIn.FindAsync(id, ct) is not { } strategy || await buyIn.ListQuestionsAsync(id, null, ct) is not { } questions)
        {
            return false;
        }

        (Strategy, Questions) = (strategy, questions);
        return true;
    }
}
