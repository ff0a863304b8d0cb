using Microsoft.AspNetCore.Http.HttpResults;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>Routes for buy-in: acknowledgement, comprehension check, questions.</summary>
public static class BuyInEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        strategies.MapPost("/{id:guid}/acknowledge", async Task<Results<Ok<AcknowledgementResult>, NotFound>> (Guid id, AcknowledgeInput? input,
                BuyInHandlers handlers, CancellationToken ct) =>
                await handlers.AcknowledgeAsync(id, input?.RepId, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound())
            .WithSummary("Acknowledge the published revision (the rep, for themselves, once; after passing its check when it has one).")
            .WithName("acknowledgeStrategy")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        strategies.MapGet("/{id:guid}/check", async Task<Results<Ok<CheckView>, NotFound>> (Guid id, BuyInHandlers handlers, HttpResponse response,
                CancellationToken ct) =>
            {
                if (await handlers.GetCheckAsync(id, ct) is not { } check)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(check.Version);
                return TypedResults.Ok(check);
            })
            .WithSummary("The comprehension check. Reps: the questions without the correct options (shown once passed), their attempts and "
                         + "whether they passed. Managers: the questions and their team's counts. Leaders: the correct options and how many "
                         + "attempts got each question wrong. No check: questions []. The strategy's version is the ETag.")
            .WithName("getCheck");

        strategies.MapPut("/{id:guid}/check", async Task<IResult> (Guid id, CheckInput input, HttpRequest request, HttpResponse response,
                BuyInHandlers handlers, CancellationToken ct) =>
            {
                if (!ETags.TryParse(request.Headers.IfMatch, out var ifMatch))
                {
                    return ETags.Required("strategy");
                }

                if (await handlers.SetCheckAsync(id, input, ifMatch, ct) is not { } check)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(check.Version);
                return TypedResults.Ok(check);
            })
            .RequireAuthorization(Policies.For(Act.WriteStrategy))
            .WithSummary("Replace the check (leaders): {questions:[{id?, text, options, correct}], passPercent}. correct is the index of the "
                         + "right option. Refused once reps have taken the check of a published revision, or acknowledged it. Requires If-Match "
                         + "(the strategy's ETag). An unknown field or a value of the wrong type is refused (422) naming it.")
            .WithName("replaceCheck")
            .Produces<CheckView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapPost("/{id:guid}/check", async Task<Results<Ok<CheckResult>, NotFound>> (Guid id, CheckAnswersInput input,
                BuyInHandlers handlers, CancellationToken ct) =>
                await handlers.TakeCheckAsync(id, input.Answers, input.RepId, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound())
            .WithSummary("Take the check (the rep, for themselves): {answers: {questionId: optionIndex}}. Returns the score and the questions "
                         + "answered wrongly; the correct options only once passed. Every attempt is kept; after passing, 409.")
            .WithName("takeCheck")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapGet("/{id:guid}/questions", async Task<Results<Ok<IReadOnlyList<QuestionRow>>, NotFound>> (Guid id, bool? open,
                BuyInHandlers handlers, CancellationToken ct) =>
                await handlers.ListQuestionsAsync(id, open, ct) is { } questions ? TypedResults.Ok(questions) : TypedResults.NotFound())
            .WithSummary("Questions and concerns on every revision of this strategy that the caller may read: a rep's own, a manager's team's, "
                         + "or all for leaders. Open ones first. open=true: only unanswered; open=false: only answered.")
            .WithName("listQuestions");

        strategies.MapPost("/{id:guid}/questions", async Task<Results<Created<QuestionRow>, NotFound>> (Guid id, QuestionInput input,
                BuyInHandlers handlers, CancellationToken ct) =>
                await handlers.AskAsync(id, input, ct) is { } question
                    ? TypedResults.Created($"/api/v1/strategies/{id}/questions", question)
                    : TypedResults.NotFound())
            .WithSummary("Raise a question or concern about the published strategy (reps): {part?, body}; part is sell, whom, why, objectives "
                         + "or priorities, or none for the whole. The rep's manager is told.")
            .WithName("askQuestion")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapPost("/{id:guid}/questions/{questionId:guid}/answer", async Task<IResult> (Guid id, Guid questionId, AnswerInput input,
                HttpRequest request, HttpResponse response, BuyInHandlers handlers, CancellationToken ct) =>
            {
                var ifMatch = ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null;
                if (await handlers.AnswerAsync(id, questionId, input.Answer, ifMatch, ct) is not { } question)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(question.Version);
                return TypedResults.Ok(question);
            })
            .RequireAuthorization(Policies.For(Act.AnswerQuestion))
            .WithSummary("Answer a rep's question, or correct the answer (the rep's manager or a leader): {answer}. The rep is told. "
                         + "If-Match (the question's version) is honoured, and required to correct an answer already given.")
            .WithName("answerQuestion")
            .Produces<QuestionRow>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
