using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;

namespace Terrain.Data;

internal sealed class OpportunityConfiguration : IEntityTypeConfiguration<Opportunity>
{
    public void Configure(EntityTypeBuilder<Opportunity> builder)
    {
        builder.Property(o => o.ExternalId).HasMaxLength(DealFacts.MaxId);
        builder.Property(o => o.LineId).HasMaxLength(DealFacts.MaxId);
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.AccountName).HasMaxLength(200);
        builder.Property(o => o.Stage).HasMaxLength(60);
        builder.Property(o => o.Outcome).HasConversion<string>().HasMaxLength(10);
        builder.Property(o => o.Forecast).HasConversion<string>().HasMaxLength(10);
        builder.Property(o => o.Type).HasConversion<string>().HasMaxLength(12);
        builder.Property(o => o.Currency).HasMaxLength(3);
        builder.Property(o => o.ProductId).HasMaxLength(40);
        builder.Property(o => o.ProductName).HasMaxLength(100);
        builder.Property(o => o.LossReason).HasMaxLength(200);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(o => o.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Account>().WithMany().HasForeignKey(o => o.AccountId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(o => new { o.ExternalId, o.LineId }).IsUnique();
        builder.HasIndex(o => new { o.OwnerId, o.Outcome, o.CloseDate });
        builder.HasIndex(o => new { o.OwnerId, o.CreatedDate });
    }
}

internal sealed class OpportunityChangeConfiguration : IEntityTypeConfiguration<OpportunityChange>
{
    public void Configure(EntityTypeBuilder<OpportunityChange> builder)
    {
        builder.Property(c => c.Stage).HasMaxLength(60);
        builder.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.Forecast).HasConversion<string>().HasMaxLength(10);
        builder.HasOne<Opportunity>().WithMany().HasForeignKey(c => c.OpportunityId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.OpportunityId, c.ValidFrom });
        builder.HasIndex(c => new { c.OwnerId, c.ValidFrom });
    }
}

internal sealed class SalesActivityConfiguration : IEntityTypeConfiguration<SalesActivity>
{
    public void Configure(EntityTypeBuilder<SalesActivity> builder)
    {
        builder.ToTable("Activities");
        builder.Property(a => a.ExternalId).HasMaxLength(DealFacts.MaxId);
        builder.Property(a => a.Type).HasMaxLength(20);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(a => a.ExternalId).IsUnique();
        builder.HasIndex(a => new { a.OwnerId, a.Date });
    }
}

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> builder)
    {
        builder.Property(b => b.ExternalId).HasMaxLength(DealFacts.MaxId);
        builder.Property(b => b.LineId).HasMaxLength(DealFacts.MaxId);
        builder.Property(b => b.Currency).HasMaxLength(3);
        builder.Property(b => b.ProductId).HasMaxLength(40);
        builder.Property(b => b.OpportunityExternalId).HasMaxLength(DealFacts.MaxId);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(b => b.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Account>().WithMany().HasForeignKey(b => b.AccountId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(b => new { b.ExternalId, b.LineId }).IsUnique();
        builder.HasIndex(b => new { b.OwnerId, b.Date });
    }
}

internal sealed class ExchangeRateConfiguration : IEntityTypeConfiguration<ExchangeRate>
{
    public void Configure(EntityTypeBuilder<ExchangeRate> builder)
    {
        builder.Property(r => r.Currency).HasMaxLength(3);
        // A rate is not money: six decimals, as whole millionths.
        builder.Property(r => r.Rate).HasConversion(new ValueConverter<decimal, long>(
            rate => decimal.ToInt64(rate * 1_000_000m), micros => micros / 1_000_000m));
        builder.HasIndex(r => new { r.Currency, r.ValidFrom }).IsUnique();
    }
}

internal sealed class MetricSettingsConfiguration : IEntityTypeConfiguration<MetricSettings>
{
    public void Configure(EntityTypeBuilder<MetricSettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.EarlyStages).HasMaxLength((MetricSettings.MaxStages * (MetricSettings.MaxStageLength + 1)) + 1);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.Ignore(s => s.EarlyStageList);
        builder.Ignore(s => s.Thresholds);
    }
}

internal sealed class IdempotentRequestConfiguration : IEntityTypeConfiguration<IdempotentRequest>
{
    public void Configure(EntityTypeBuilder<IdempotentRequest> builder)
    {
        builder.ToTable("IdempotencyKeys");
        builder.HasKey(r => r.Key);
        builder.Property(r => r.Key).HasMaxLength(IdempotentRequest.MaxKey);
        builder.Property(r => r.Kind).HasMaxLength(20);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Property(r => r.ContentType).HasMaxLength(100);
        builder.Ignore(r => r.Completed);
        builder.HasIndex(r => r.CreatedAt);
    }
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    /// <summary>The same filter reads on SQLite and PostgreSQL: the state is stored by name.</summary>
    public const string RunningFilter = "\"State\" = 'Running'";

    public void Configure(EntityTypeBuilder<ImportJob> builder)
    {
        builder.Property(j => j.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(10);
        builder.Property(j => j.FileName).HasMaxLength(ImportJob.MaxFileName);
        builder.Property(j => j.StoredPath).HasMaxLength(1000);
        builder.Property(j => j.Instance).HasMaxLength(200);
        builder.Property(j => j.Phase).HasMaxLength(40);
        builder.Property(j => j.FailureReason).HasMaxLength(2000);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(j => j.RequestedById).OnDelete(DeleteBehavior.SetNull);

        // One running job per kind across every instance on the database: a second claim fails in the database itself.
        builder.HasIndex(j => j.Kind).IsUnique().HasFilter(RunningFilter).HasDatabaseName("IX_ImportJobs_OneRunningPerKind");
        builder.HasIndex(j => new { j.State, j.CreatedAt });
        // Not a foreign key: the history keeps the id of a mapping deleted since; a queued job whose mapping is gone fails saying so.
        builder.Property(j => j.MappingId);
        builder.HasIndex(j => j.CreatedAt);
    }
}

internal sealed class ImportMappingConfiguration : IEntityTypeConfiguration<ImportMapping>
{
    public void Configure(EntityTypeBuilder<ImportMapping> builder)
    {
        builder.Property(m => m.Name).HasMaxLength(ImportMapping.MaxName);
        builder.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.ColumnsJson).HasMaxLength(20_000);
        builder.Property(m => m.StagesJson).HasMaxLength(100_000);
        builder.Property(m => m.DateFormats).HasMaxLength((ImportMapping.MaxDateFormats * (ImportMapping.MaxDateFormat + 1)) + 1);
        builder.Property(m => m.ThousandsSeparator).HasMaxLength(1);
        builder.Property(m => m.Version).IsConcurrencyToken();
        builder.Ignore(m => m.Columns);
        builder.Ignore(m => m.Stages);
        builder.Ignore(m => m.DateFormatList);
        builder.HasIndex(m => m.Name).IsUnique();
    }
}

internal sealed class DealSplitConfiguration : IEntityTypeConfiguration<DealSplit>
{
    public void Configure(EntityTypeBuilder<DealSplit> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.OpportunityExternalId).HasMaxLength(DealFacts.MaxId);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.OpportunityExternalId, s.RepId }).IsUnique();
        builder.HasIndex(s => s.RepId);
    }
}

/// <summary>
/// Every rep's credit for every deal (ADR 0046), as SQL that reads the same on SQLite and PostgreSQL: amounts and
/// percents are whole cents (ADR 0012), so a share is <c>amount × percent ÷ 10000</c> in integer arithmetic, truncated
/// toward zero on both; the owner gets the amount less the shares given to others, so a revenue split adds up to the
/// deal's amount to the cent. Overlay reps of the deal's account get their share on top, for deals closed while the
/// overlay was in effect (ADR 0046, amendment). It is a query, not a table:
/// migrations create nothing for it.
/// </summary>
internal sealed class DealCreditConfiguration : IEntityTypeConfiguration<DealCredit>
{
    public const string Sql = """
        SELECT o."Id" AS "OpportunityId", o."OwnerId" AS "RepId", 0 AS "Kind",
               CAST(10000 - COALESCE((SELECT SUM(s."Percent") FROM "DealSplits" AS s
                                      WHERE s."OpportunityExternalId" = o."ExternalId" AND s."RepId" <> o."OwnerId"), 0) AS BIGINT) AS "Percent",
               CAST(o."Amount" - COALESCE((SELECT SUM(o."Amount" * s."Percent" / 10000) FROM "DealSplits" AS s
                                           WHERE s."OpportunityExternalId" = o."ExternalId" AND s."RepId" <> o."OwnerId"), 0) AS BIGINT) AS "Amount"
        FROM "Opportunities" AS o
        UNION ALL
        SELECT o."Id", s."RepId", 1, s."Percent", CAST(o."Amount" * s."Percent" / 10000 AS BIGINT)
        FROM "Opportunities" AS o
        JOIN "DealSplits" AS s ON s."OpportunityExternalId" = o."ExternalId" AND s."RepId" <> o."OwnerId"
        UNION ALL
        SELECT o."Id", v."RepId", 2, v."CreditPercent", CAST(o."Amount" * v."CreditPercent" / 10000 AS BIGINT)
        FROM "Opportunities" AS o
        JOIN "AccountOverlays" AS v ON v."AccountId" = o."AccountId" AND v."RepId" <> o."OwnerId"
             AND o."CloseDate" >= v."EffectiveFrom" AND (v."EffectiveTo" IS NULL OR o."CloseDate" <= v."EffectiveTo")
        """;

    public void Configure(EntityTypeBuilder<DealCredit> builder)
    {
        builder.HasNoKey();
        builder.ToTable((string?)null);
        builder.ToSqlQuery(Sql);
    }
}
