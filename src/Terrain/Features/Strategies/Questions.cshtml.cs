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
public sealed class QuestionsModel(BuyInHandlers buyIn) : PageModel, IReloadsOnRefusal
{
    public BuyInStrategy Strategy { get; private set; } = null!;

    public IReadOnlyList<QuestionRow> Questions { get; private set; } = [];

    [TempData(Key = BuyInFormat.FlashKey)]
    public string? Flash { get; set; }

    /// <summary>Why the question was refused, with what the rep wrote.</summary>
    public string? AskError { get; private set; }

    [BindProperty(Name = "part")]
    public string? AskPart { get; set; }

    [BindProperty(Name = "body")]
    public string? AskBody { get; set; }

    [BindProperty]
    public Guid QuestionId { get; set; }

    [BindProperty]
    public string? Answer { get; set; }

    /// <summary>Which question's answer was refused, why, and the text.</summary>
    public (Guid Question, string Message, string? Answer)? AnswerError { get; private set; }

    public bool IsRep => Permissions.May(buyIn.Actor, Act.BuyIn);

    public bool CanAsk => IsRep && Strategy.Status == StrategyStatus.Published;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAskAsync(Guid id, CancellationToken ct)
    {
        if (await buyIn.AskAsync(id, new QuestionInput(AskPart, AskBody), ct) is not { } question)
        {
            return NotFound();
        }

        Flash = "Your question is sent. Your manager has been told; the answer will appear here.";
        return Redirect($"/Strategies/{id}/Questions#question-{question.Id}");
    }

    public async Task<IActionResult> OnPostAnswerAsync(Guid id, string? version, CancellationToken ct)
    {
        if (await buyIn.AnswerAsync(id, QuestionId, Answer, string.IsNullOrEmpty(version) ? null : version, ct) is not { } question)
        {
            return NotFound();
        }

        Flash = $"Your answer is sent to {question.AskedBy}.";
        return Redirect($"/Strategies/{id}/Questions#question-{question.Id}");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        if (!Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) || !await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var message = ModelState.Messages()[0];
        if (handler == "Answer")
        {
            AnswerError = (QuestionId, message, Answer);
        }
        else
        {
            AskError = message;
        }

        return null;
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
