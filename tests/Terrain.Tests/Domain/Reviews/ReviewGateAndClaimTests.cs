using Terrain.Domain;
using Terrain.Domain.Reviews;
using Xunit;

namespace Terrain.Tests.Domain.Reviews;

/// <summary>The completion gate of a review of a rep who is behind, and the verdicts of corrective-action claims.</summary>
public sealed class ReviewGateAndClaimTests
{
    private static DateOnly D(int month, int day) => new(2027, month, day);

    private static readonly DateTimeOffset Now = new(2027, 2, 10, 9, 0, 0, TimeSpan.Zero);

    private static readonly (string, string)[] OffTrack = [("rev", "Revenue")];

    private static Review Review() => Terrain.Domain.Reviews.Review.Schedule(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), ReviewCadence.Monthly,
        new ReviewWindow(2, D(2, 1), D(2, 28)), Now);

    [Fact]
    public void A_goal_off_track_without_a_reason_blocks_completion_naming_the_goal()
    {
        var review = Review();

        var refused = Assert.Throws<DomainException>(() => review.Complete("{}", OffTrack, 1, review.ManagerId!.Value, D(2, 10), null, Now));

        Assert.Equal("varianceReasons[rev]", refused.Field);
        Assert.Contains("Revenue (rev)", refused.Message, StringComparison.Ordinal);
        Assert.False(review.IsCompleted);
        Assert.Null(review.Snapshot);
    }

    [Fact]
    public void A_reason_without_a_decision_blocks_completion()
    {
        var review = Review();
        var manager = review.ManagerId!.Value;
        review.Edit(new ReviewEdit(VarianceReasons: [new VarianceReason("rev", VarianceCategory.DealsSlipped, "Two deals moved to March.")]),
            ReviewSide.Manager, manager, D(2, 10), D(12, 31), null, ["rev"], Now);

        var refused = Assert.Throws<DomainException>(() => review.Complete("{}", OffTrack, 0, manager, D(2, 10), null, Now));

        Assert.Equal("decision", refused.Field);
        Assert.False(review.IsCompleted);
    }

    [Fact]
    public void A_reason_and_an_agreed_action_or_a_signed_no_action_complete_it()
    {
        var withAction = Review();
        var manager = withAction.ManagerId!.Value;
        withAction.Edit(new ReviewEdit(VarianceReasons: [new VarianceReason("rev", VarianceCategory.DealsSlipped, "Two deals moved to March.")]),
            ReviewSide.Manager, manager, D(2, 10), D(12, 31), null, ["rev"], Now);
        withAction.Complete("{\"frozen\":true}", OffTrack, 1, manager, D(2, 10), null, Now);
        Assert.True(withAction.IsCompleted);
        Assert.Equal("{\"frozen\":true}", withAction.Snapshot);

        var noAction = Review();
        noAction.Edit(new ReviewEdit(VarianceReasons: [new VarianceReason("rev", VarianceCategory.DealsSlipped, "Slipped.")],
                NoActionReason: "The commit deals C1 and C2 cover the gap."),
            ReviewSide.Manager, noAction.ManagerId!.Value, D(2, 10), D(12, 31), null, ["rev"], Now);
        Assert.Equal(noAction.ManagerId, noAction.NoActionSignedById);
        noAction.Complete("{}", OffTrack, 0, noAction.ManagerId!.Value, D(2, 10), null, Now);
        Assert.True(noAction.IsCompleted);
    }

    [Fact]
    public void A_completed_review_does_not_change()
    {
        var review = Review();
        review.Complete("{}", [], 0, review.ManagerId!.Value, D(2, 10), null, Now);

        Assert.Throws<InvalidStateException>(() =>
            review.Edit(new ReviewEdit(SharedNotes: "rewrite"), ReviewSide.Manager, review.ManagerId!.Value, D(2, 11), D(12, 31), null, [], Now));
        Assert.Throws<InvalidStateException>(() => review.Complete("{}", [], 0, review.ManagerId!.Value, D(2, 11), null, Now));
    }

    [Fact]
    public void A_variance_reason_needs_a_known_goal_and_an_explanation()
    {
        var review = Review();
        Assert.Equal("varianceReasons[nope]", Assert.Throws<DomainException>(() => review.Edit(
            new ReviewEdit(VarianceReasons: [new VarianceReason("nope", VarianceCategory.Market, "x")]), ReviewSide.Manager, review.ManagerId!.Value, D(2, 10), D(12, 31), null, ["rev"], Now)).Field);
        Assert.Equal("varianceReasons[rev].explanation", Assert.Throws<DomainException>(() => review.Edit(
            new ReviewEdit(VarianceReasons: [new VarianceReason("rev", VarianceCategory.Market, " ")]), ReviewSide.Manager, review.ManagerId!.Value, D(2, 10), D(12, 31), null, ["rev"], Now)).Field);
    }

    [Theory]
    [InlineData(50_000, 3, 1, "Achieved")]
    [InlineData(60_000, 2, 15, "Achieved")]
    [InlineData(20_000, 2, 15, "Pending")]
    [InlineData(20_000, 3, 1, "PartlyAchieved")]
    [InlineData(0, 3, 1, "Missed")]
    public void A_claim_is_achieved_when_reached_and_decided_when_its_date_passes(int actual, int month, int day, string expected)
    {
        Assert.Equal(Enum.Parse<ClaimOutcome>(expected), CorrectiveAction.Verdict(actual, 50_000, D(2, 28), D(month, day)));
    }

    [Fact]
    public void An_action_belongs_to_the_rep_or_the_manager_is_due_ahead_and_claims_what_exists()
    {
        var review = Review();
        var claim = new EffectClaim(ClaimMetric.PipelineCreated, ClaimFilter.Segment, "seg-mm", 50_000, D(3, 1));
        bool Exists(ClaimFilter f, string id) => id == "seg-mm";
        CorrectiveAction Agree(Guid owner, DateOnly due, EffectClaim c, Guid? by = null) =>
            CorrectiveAction.Agree(review, "Run a mid-market campaign", owner, due, "rev", ["rev"], c, Exists, by ?? review.ManagerId!.Value, D(2, 10), Now);

        Assert.Equal("ownerId", Assert.Throws<DomainException>(() => Agree(Guid.NewGuid(), D(3, 1), claim)).Field);
        Assert.Equal("due", Assert.Throws<DomainException>(() => Agree(review.RepId, D(2, 9), claim)).Field);
        Assert.Equal("claim.filterId", Assert.Throws<DomainException>(() => Agree(review.RepId, D(3, 1), claim with { FilterId = "seg-none" })).Field);
        Assert.Equal("claim.filter", Assert.Throws<DomainException>(() =>
            Agree(review.RepId, D(3, 1), claim with { Metric = ClaimMetric.ActivitiesHeld, Filter = ClaimFilter.Product, FilterId = "seg-mm", Amount = 5 })).Field);
        Assert.Equal("claim.amount", Assert.Throws<DomainException>(() => Agree(review.RepId, D(3, 1), claim with { Amount = 0 })).Field);

        var action = Agree(review.RepId, D(3, 1), claim);
        Assert.NotNull(action.ManagerConfirmedAt);
        Assert.Null(action.RepConfirmedAt);
        Assert.False(action.Agreed);
        Assert.Throws<NotAllowedException>(() => action.Confirm(Guid.NewGuid(), Now));
        action.Confirm(review.RepId, Now.AddMinutes(5));
        Assert.True(action.Agreed);
        Assert.Equal(review.RepId, action.RepConfirmedById);
    }

    [Fact]
    public void A_dropped_action_needs_a_reason_and_a_decided_claim_stays_decided()
    {
        var review = Review();
        var action = CorrectiveAction.Agree(review, "Call ten lapsed customers", review.RepId, D(3, 1), null, [],
            new EffectClaim(ClaimMetric.ActivitiesHeld, ClaimFilter.None, null, 10, D(3, 1)), (_, _) => false, review.RepId, D(2, 10), Now);

        Assert.Equal("dropReason", Assert.Throws<DomainException>(() => action.Follow(CorrectiveStatus.Dropped, null, null)).Field);
        Assert.Equal(CorrectiveStatus.Open, action.Status);

        Assert.True(action.Check(4, D(3, 2), Now));
        Assert.Equal(ClaimOutcome.PartlyAchieved, action.ClaimOutcome);
        Assert.False(action.Check(12, D(3, 5), Now));
        Assert.Equal(ClaimOutcome.PartlyAchieved, action.ClaimOutcome);
    }
}
