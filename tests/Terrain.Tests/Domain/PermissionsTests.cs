using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain;

/// <summary>
/// The decision point's rules, written out by hand: which role may set out to do which act, and for acts about a rep,
/// which reps. A new act without a row fails <see cref="Every_act_has_a_row"/>.
/// </summary>
public sealed class PermissionsTests
{
    // Columns: rep, manager, leader, admin. "y" may, "-" may not.
    private static readonly Dictionary<Act, string> Table = new()
    {
        [Act.ManageUsers] = "- - - y",
        [Act.Import] = "- - - y",
        [Act.RunCycles] = "- - y y",
        [Act.WriteStrategy] = "- - y y",
        [Act.LeadWorkshop] = "- - y -",
        [Act.FollowTeam] = "- y y y",
        [Act.SetQuota] = "- y y -",
        [Act.ReviewPlan] = "- y y -",
        [Act.WritePlan] = "y - - -",
        [Act.CommentOnPlan] = "y y y -",
        [Act.BuyIn] = "y - - -",
        [Act.AnswerQuestion] = "- y y -",
        [Act.TrackActions] = "y y - -",
        [Act.SetMetrics] = "- - y y",
        [Act.HoldReview] = "- y - -",
        [Act.JoinReview] = "y - - -",
        [Act.SetReviewCadence] = "- y y -",
        [Act.ExtendDeadline] = "- y y -",
        [Act.AllocateQuota] = "- - y -",
        [Act.AcknowledgeQuota] = "y - - -",
        [Act.AllocateTeamQuota] = "- y y -",
        [Act.AssignAccounts] = "- - y y",
        [Act.ReadScenarios] = "- y y y",
    };

    private static readonly Role[] Columns = [Role.Rep, Role.Manager, Role.Leader, Role.Admin];

    [Fact]
    public void Every_act_has_a_row()
    {
        Assert.Equal(Enum.GetValues<Act>().Order(), Table.Keys.Order());
    }

    [Fact]
    public void Each_role_may_set_out_to_do_the_acts_in_its_column()
    {
        var failures = new List<string>();
        foreach (var (act, row) in Table)
        {
            var cells = row.Split(' ');
            for (var i = 0; i < Columns.Length; i++)
            {
                var may = Permissions.May(new Actor(Guid.NewGuid(), Columns[i]), act);
                if (may != (cells[i] == "y"))
                {
                    failures.Add($"{Columns[i]} {act}: expected {cells[i]}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Acts_about_a_rep_follow_the_reporting_line()
    {
        var leader = new Actor(Guid.NewGuid(), Role.Leader);
        var manager = new Actor(Guid.NewGuid(), Role.Manager);
        var otherManager = new Actor(Guid.NewGuid(), Role.Manager);
        var rep = new Actor(Guid.NewGuid(), Role.Rep);
        var otherRep = new Actor(Guid.NewGuid(), Role.Rep);
        var admin = new Actor(Guid.NewGuid(), Role.Admin);
        var aboutRep = new About(rep.Id, manager.Id);

        foreach (var act in new[] { Act.ReviewPlan, Act.SetQuota, Act.AnswerQuestion, Act.AllocateTeamQuota })
        {
            Assert.True(Permissions.May(leader, act, aboutRep), $"leader {act}");
            Assert.True(Permissions.May(manager, act, aboutRep), $"manager {act}");
            Assert.False(Permissions.May(otherManager, act, aboutRep), $"another team's manager {act}");
            Assert.False(Permissions.May(rep, act, aboutRep), $"the rep {act}");
            Assert.False(Permissions.May(admin, act, aboutRep), $"admin {act}");
            // Nobody acts on themselves as their own reviewer, whatever the reporting line says.
            Assert.False(Permissions.May(manager, act, new About(manager.Id, manager.Id)), $"manager on self {act}");
        }

        foreach (var act in new[] { Act.WritePlan, Act.BuyIn })
        {
            Assert.True(Permissions.May(rep, act, aboutRep), $"the rep {act}");
            Assert.False(Permissions.May(otherRep, act, aboutRep), $"another rep {act}");
            Assert.False(Permissions.May(manager, act, aboutRep), $"manager {act}");
            Assert.False(Permissions.May(leader, act, aboutRep), $"leader {act}");
        }

        Assert.True(Permissions.May(rep, Act.CommentOnPlan, aboutRep));
        Assert.True(Permissions.May(manager, Act.CommentOnPlan, aboutRep));
        Assert.True(Permissions.May(leader, Act.CommentOnPlan, aboutRep));
        Assert.False(Permissions.May(otherRep, Act.CommentOnPlan, aboutRep));
        Assert.False(Permissions.May(otherManager, Act.CommentOnPlan, aboutRep));
        Assert.False(Permissions.May(admin, Act.CommentOnPlan, aboutRep));

        // The rep keeps their own plan's actions, with their manager; another rep, another team's manager, a leader and an admin do not.
        Assert.True(Permissions.May(rep, Act.TrackActions, aboutRep));
        Assert.True(Permissions.May(manager, Act.TrackActions, aboutRep));
        Assert.False(Permissions.May(otherRep, Act.TrackActions, aboutRep));
        Assert.False(Permissions.May(otherManager, Act.TrackActions, aboutRep));
        Assert.False(Permissions.May(leader, Act.TrackActions, aboutRep));

        // A review is held by its own manager only; the rep takes part in their own; leaders choose cadences but hold no review.
        Assert.True(Permissions.May(manager, Act.HoldReview, aboutRep));
        Assert.False(Permissions.May(otherManager, Act.HoldReview, aboutRep));
        Assert.False(Permissions.May(leader, Act.HoldReview, aboutRep));
        Assert.True(Permissions.May(rep, Act.JoinReview, aboutRep));
        Assert.False(Permissions.May(otherRep, Act.JoinReview, aboutRep));
        Assert.True(Permissions.May(manager, Act.SetReviewCadence, aboutRep));
        Assert.True(Permissions.May(leader, Act.SetReviewCadence, aboutRep));
        Assert.False(Permissions.May(otherManager, Act.SetReviewCadence, aboutRep));
        Assert.False(Permissions.May(admin, Act.TrackActions, aboutRep));
    }

    [Fact]
    public void A_refusal_is_a_not_allowed_exception_that_names_the_act()
    {
        var refusal = Assert.Throws<NotAllowedException>(() => Permissions.Ensure(new Actor(Guid.NewGuid(), Role.Manager), Act.WriteStrategy));

        Assert.Equal(Permissions.Refusal(Act.WriteStrategy), refusal.Message);
        Assert.Throws<NotAllowedException>(() => Permissions.Ensure(new Actor(Guid.NewGuid(), Role.Manager), Act.SetQuota, new About(Guid.NewGuid(), Guid.NewGuid())));
    }
}
