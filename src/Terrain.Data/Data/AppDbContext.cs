using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;

namespace Terrain.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<Domain.Territories.Territory> Territories => Set<Domain.Territories.Territory>();

    public DbSet<Domain.Territories.AssignmentRule> AssignmentRules => Set<Domain.Territories.AssignmentRule>();

    public DbSet<Domain.Territories.AccountAssignment> AccountAssignments => Set<Domain.Territories.AccountAssignment>();

    public DbSet<Domain.Territories.AccountOverlay> AccountOverlays => Set<Domain.Territories.AccountOverlay>();

    public DbSet<Domain.TerritoryDesign.TerritoryScenario> TerritoryScenarios => Set<Domain.TerritoryDesign.TerritoryScenario>();

    public DbSet<Domain.TerritoryDesign.ScenarioAssignment> ScenarioAssignments => Set<Domain.TerritoryDesign.ScenarioAssignment>();

    public DbSet<Domain.TerritoryDesign.ScenarioTerritory> ScenarioTerritories => Set<Domain.TerritoryDesign.ScenarioTerritory>();

    public DbSet<DataVersion> DataVersions => Set<DataVersion>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<PlanningCycle> Cycles => Set<PlanningCycle>();

    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<PlanExtension> PlanExtensions => Set<PlanExtension>();

    public DbSet<TemplateSection> TemplateSections => Set<TemplateSection>();

    public DbSet<PlanSection> PlanSections => Set<PlanSection>();

    public DbSet<PlanSnapshot> PlanSnapshots => Set<PlanSnapshot>();

    public DbSet<PlanComment> PlanComments => Set<PlanComment>();

    public DbSet<PlanProposal> PlanProposals => Set<PlanProposal>();

    public DbSet<ApprovedPlanVersion> ApprovedPlanVersions => Set<ApprovedPlanVersion>();

    public DbSet<PlanGoal> PlanGoals => Set<PlanGoal>();

    public DbSet<PlanGoalTarget> PlanGoalTargets => Set<PlanGoalTarget>();

    public DbSet<PlanActionItem> PlanActionItems => Set<PlanActionItem>();

    public DbSet<Quota> Quotas => Set<Quota>();

    public DbSet<RepSeat> RepSeats => Set<RepSeat>();

    public DbSet<RepQuota> RepQuotas => Set<RepQuota>();

    public DbSet<QuotaChange> QuotaChanges => Set<QuotaChange>();

    public DbSet<QuotaAllocation> QuotaAllocations => Set<QuotaAllocation>();

    public DbSet<Opportunity> Opportunities => Set<Opportunity>();

    public DbSet<OpportunityChange> OpportunityChanges => Set<OpportunityChange>();

    public DbSet<SalesActivity> Activities => Set<SalesActivity>();

    public DbSet<Booking> Bookings => Set<Booking>();

    public DbSet<DealSplit> DealSplits => Set<DealSplit>();

    /// <summary>Every rep's credit for every deal: owner, revenue splits and overlays (ADR 0046). A query, not a table.</summary>
    public DbSet<DealCredit> DealCredits => Set<DealCredit>();

    public DbSet<Domain.Performance.MetricSettings> MetricSettings => Set<Domain.Performance.MetricSettings>();

    public DbSet<ExchangeRate> ExchangeRates => Set<ExchangeRate>();

    public DbSet<IdempotentRequest> IdempotentRequests => Set<IdempotentRequest>();

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportMapping> ImportMappings => Set<ImportMapping>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<Domain.Reviews.Review> Reviews => Set<Domain.Reviews.Review>();

    public DbSet<Domain.Reviews.ReviewCadenceChoice> ReviewCadences => Set<Domain.Reviews.ReviewCadenceChoice>();

    public DbSet<Domain.Reviews.CorrectiveAction> CorrectiveActions => Set<Domain.Reviews.CorrectiveAction>();

    public DbSet<Domain.Reviews.ReviewReason> ReviewReasons => Set<Domain.Reviews.ReviewReason>();

    public DbSet<Strategy> Strategies => Set<Strategy>();

    public DbSet<StrategyAcknowledgement> Acknowledgements => Set<StrategyAcknowledgement>();

    public DbSet<CheckAttempt> CheckAttempts => Set<CheckAttempt>();

    public DbSet<StrategyReading> StrategyReadings => Set<StrategyReading>();

    public DbSet<StrategyQuestion> StrategyQuestions => Set<StrategyQuestion>();

    public DbSet<Workshop> Workshops => Set<Workshop>();

    public DbSet<WorkshopInvitation> WorkshopInvitations => Set<WorkshopInvitation>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SignInEvent> SignInEvents => Set<SignInEvent>();

    public DbSet<UserSession> Sessions => Set<UserSession>();

    public DbSet<SignInCounter> SignInCounters => Set<SignInCounter>();

    public DbSet<PasswordInvitation> PasswordInvitations => Set<PasswordInvitation>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AddReviewReasons();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AddReviewReasons();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// The variance reasons of a review being completed become rows (ADR 0051), whoever completes it (the meeting's
    /// page, the API, the demo, a test): a completed review's reasons never change afterwards.
    /// </summary>
    private void AddReviewReasons()
    {
        foreach (var entry in ChangeTracker.Entries<Domain.Reviews.Review>().ToList())
        {
            var completed = entry.Property(r => r.CompletedOn);
            var completing = entry.State switch
            {
                EntityState.Added => completed.CurrentValue is not null,
                EntityState.Modified => completed.IsModified && completed.OriginalValue is null && completed.CurrentValue is not null,
                _ => false,
            };
            if (completing)
            {
                ReviewReasons.AddRange(Domain.Reviews.ReviewReason.Of(entry.Entity));
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HaveConversion<CentsConverter>();

        // SQLite can neither sort nor compare DateTimeOffsets stored as text, so on SQLite instants are stored as
        // UTC ticks. PostgreSQL keeps timestamptz.
        if (Database.ProviderName == SqliteProvider)
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}
