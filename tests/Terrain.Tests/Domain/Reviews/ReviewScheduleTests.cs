using Microsoft.Extensions.Time.Testing;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;
using Xunit;

namespace Terrain.Tests.Domain.Reviews;

/// <summary>Review windows and statuses with a fake clock: bi-weekly and monthly windows, month ends, moved and missed reviews.</summary>
public sealed class ReviewScheduleTests
{
    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2027, 1, 1, 9, 0, 0, TimeSpan.Zero));

    private static Review ReviewIn(ReviewWindow window) =>
        Review.Schedule(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), ReviewCadence.Biweekly, window, Clock.GetUtcNow());

    [Fact]
    public void Biweekly_windows_are_14_days_from_the_period_start_and_the_last_takes_a_short_remainder()
    {
        var windows = ReviewWindows.Of(D(2027, 1, 1), D(2027, 12, 31), FiscalCalendar.Months, ReviewCadence.Biweekly);

        // 365 days: 25 windows of 14 days, then 15 left; a window of one day would be no window, so the last has 15.
        Assert.Equal(26, windows.Count);
        Assert.Equal(new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 14)), windows[0]);
        Assert.Equal(new ReviewWindow(2, D(2027, 1, 15), D(2027, 1, 28)), windows[1]);
        Assert.All(windows.SkipLast(1), w => Assert.Equal(14, w.Days));
        Assert.Equal(new ReviewWindow(26, D(2027, 12, 17), D(2027, 12, 31)), windows[^1]);
        Assert.All(windows.Zip(windows.Skip(1)), p => Assert.Equal(p.First.End.AddDays(1), p.Second.Start));
    }

    [Fact]
    public void Biweekly_windows_keep_a_remainder_of_a_week_or_more_as_its_own_window()
    {
        // A 91-day quarter: six windows of 14 days, then 7 days left: enough to meet in.
        var windows = ReviewWindows.Of(D(2027, 1, 4), D(2027, 4, 4), FiscalCalendar.Weeks445, ReviewCadence.Biweekly);

        Assert.Equal(7, windows.Count);
        Assert.Equal(new ReviewWindow(7, D(2027, 3, 29), D(2027, 4, 4)), windows[^1]);
    }

    [Fact]
    public void Monthly_windows_are_the_fiscal_months_with_their_own_month_ends()
    {
        // A leap year starting in the middle of a month: February ends on the 29th, a 31-day month on the 31st.
        var calendar = ReviewWindows.Of(D(2028, 1, 1), D(2028, 12, 31), FiscalCalendar.Months, ReviewCadence.Monthly);
        Assert.Equal(12, calendar.Count);
        Assert.Equal(new ReviewWindow(2, D(2028, 2, 1), D(2028, 2, 29)), calendar[1]);
        Assert.Equal(new ReviewWindow(1, D(2028, 1, 1), D(2028, 1, 31)), calendar[0]);
        Assert.Equal(D(2028, 4, 30), calendar[3].End);

        // A 4-4-5 calendar: months of 28, 28 and 35 days.
        var weeks = ReviewWindows.Of(D(2027, 1, 4), D(2028, 1, 2), FiscalCalendar.Weeks445, ReviewCadence.Monthly);
        Assert.Equal([28, 28, 35, 28, 28, 35, 28, 28, 35, 28, 28, 35], weeks.Select(w => w.Days).ToArray());
    }

    [Fact]
    public void Reviews_start_in_the_first_window_that_ends_a_week_after_approval()
    {
        var windows = ReviewWindows.Of(D(2027, 1, 1), D(2027, 12, 31), FiscalCalendar.Months, ReviewCadence.Monthly);

        Assert.Equal(1, ReviewWindows.From(windows, D(2026, 11, 27))[0].Number);
        Assert.Equal(1, ReviewWindows.From(windows, D(2027, 1, 24))[0].Number);
        // Approved on 25 January: six days left in January is too little to prepare a review; February is the first.
        Assert.Equal(2, ReviewWindows.From(windows, D(2027, 1, 25))[0].Number);
        Assert.Empty(ReviewWindows.From(windows, D(2027, 12, 30)));
    }

    [Fact]
    public void A_review_is_upcoming_then_open_then_missed_as_the_clock_moves()
    {
        var review = ReviewIn(new ReviewWindow(3, D(2027, 1, 29), D(2027, 2, 11)));
        var clock = new FakeTimeProvider(new DateTimeOffset(2027, 1, 20, 12, 0, 0, TimeSpan.Zero));
        DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        Assert.Equal(ReviewStatus.Upcoming, review.StatusOn(Today(), null));
        clock.Advance(TimeSpan.FromDays(9));
        Assert.Equal(ReviewStatus.Open, review.StatusOn(Today(), null));
        clock.SetUtcNow(new DateTimeOffset(2027, 2, 11, 23, 59, 0, TimeSpan.Zero));
        Assert.Equal(ReviewStatus.Open, review.StatusOn(Today(), null));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(ReviewStatus.Missed, review.StatusOn(Today(), null));
        // Closing the cycle before it was held ends it instead.
        Assert.Equal(ReviewStatus.Ended, review.StatusOn(Today(), D(2027, 2, 5)));
    }

    [Fact]
    public void A_review_completed_in_its_window_is_held_and_after_it_late()
    {
        var held = ReviewIn(new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 14)));
        held.Complete("{}", [], 0, Guid.NewGuid(), D(2027, 1, 14), null, Clock.GetUtcNow());
        Assert.Equal(ReviewStatus.Held, held.StatusOn(D(2027, 3, 1), null));

        var late = ReviewIn(new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 14)));
        late.Complete("{}", [], 0, Guid.NewGuid(), D(2027, 1, 15), null, Clock.GetUtcNow());
        Assert.Equal(ReviewStatus.Late, late.StatusOn(D(2027, 3, 1), null));
    }

    [Fact]
    public void A_moved_review_is_held_until_its_new_date_and_missed_after_it()
    {
        var review = ReviewIn(new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 14)));
        var manager = Guid.NewGuid();

        review.Edit(new ReviewEdit(ScheduledOn: D(2027, 1, 18)), ReviewSide.Manager, manager, D(2027, 1, 10), D(2027, 12, 31), D(2027, 1, 28), [], Clock.GetUtcNow());

        Assert.True(review.Moved);
        Assert.Equal(D(2027, 1, 18), review.DueBy);
        Assert.Equal(ReviewStatus.Open, review.StatusOn(D(2027, 1, 17), null));
        Assert.Equal(ReviewStatus.Missed, review.StatusOn(D(2027, 1, 19), null));
    }

    [Theory]
    [InlineData(2027, 1, 22, "after the window and its week")]
    [InlineData(2027, 1, 9, "in the past")]
    [InlineData(2026, 12, 31, "before the window")]
    public void A_review_cannot_move_out_of_bounds(int year, int month, int day, string why)
    {
        var review = ReviewIn(new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 14)));
        var version = review.Version;

        var refused = Assert.Throws<DomainException>(() =>
            review.Edit(new ReviewEdit(ScheduledOn: D(year, month, day)), ReviewSide.Manager, Guid.NewGuid(), D(2027, 1, 10), D(2027, 12, 31), null, [], Clock.GetUtcNow()));

        Assert.Equal("scheduledOn", refused.Field);
        Assert.Equal(D(2027, 1, 14), review.ScheduledOn);
        Assert.Equal(version, review.Version);
        Assert.NotNull(why);
    }

    [Fact]
    public void A_review_cannot_move_onto_the_next_review_nor_past_the_cycle_end()
    {
        var review = ReviewIn(new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 14)));
        Assert.Throws<DomainException>(() =>
            review.Edit(new ReviewEdit(ScheduledOn: D(2027, 1, 16)), ReviewSide.Manager, Guid.NewGuid(), D(2027, 1, 10), D(2027, 12, 31), D(2027, 1, 16), [], Clock.GetUtcNow()));

        var last = ReviewIn(new ReviewWindow(26, D(2027, 12, 17), D(2027, 12, 31)));
        Assert.Throws<DomainException>(() =>
            last.Edit(new ReviewEdit(ScheduledOn: D(2028, 1, 3)), ReviewSide.Manager, Guid.NewGuid(), D(2027, 12, 20), D(2027, 12, 31), null, [], Clock.GetUtcNow()));
    }

    [Fact]
    public void A_missed_review_cannot_be_moved()
    {
        var review = ReviewIn(new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 14)));

        var refused = Assert.Throws<InvalidStateException>(() =>
            review.Edit(new ReviewEdit(ScheduledOn: D(2027, 1, 16)), ReviewSide.Manager, Guid.NewGuid(), D(2027, 1, 15), D(2027, 12, 31), null, [], Clock.GetUtcNow()));
        Assert.Equal("scheduledOn", refused.Field);
    }

    [Fact]
    public void Reviews_to_come_follow_the_rep_to_a_new_manager_and_past_ones_stay()
    {
        var oldManager = Guid.NewGuid();
        var newManager = Guid.NewGuid();
        var past = Review.Schedule(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), oldManager, ReviewCadence.Monthly, new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 31)), Clock.GetUtcNow());
        var open = Review.Schedule(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), oldManager, ReviewCadence.Monthly, new ReviewWindow(2, D(2027, 2, 1), D(2027, 2, 28)), Clock.GetUtcNow());

        Assert.False(past.FollowManager(newManager, D(2027, 2, 10)));
        Assert.True(open.FollowManager(newManager, D(2027, 2, 10)));
        Assert.Equal(oldManager, past.ManagerId);
        Assert.Equal(newManager, open.ManagerId);
    }

    [Fact]
    public void The_rep_cannot_write_the_managers_parts_and_the_manager_not_the_reps()
    {
        var review = ReviewIn(new ReviewWindow(1, D(2027, 1, 1), D(2027, 1, 14)));
        var rep = review.RepId;

        Assert.Equal("coachingNotes", Assert.Throws<DomainException>(() =>
            review.Edit(new ReviewEdit(CoachingNotes: "mine"), ReviewSide.Rep, rep, D(2027, 1, 5), D(2027, 12, 31), null, [], Clock.GetUtcNow())).Field);
        Assert.Equal("selfAssessment", Assert.Throws<DomainException>(() =>
            review.Edit(new ReviewEdit(SelfAssessment: "theirs"), ReviewSide.Manager, Guid.NewGuid(), D(2027, 1, 5), D(2027, 12, 31), null, [], Clock.GetUtcNow())).Field);
        Assert.Equal("", review.CoachingNotes);
        Assert.Equal("", review.SelfAssessment);
    }
}
