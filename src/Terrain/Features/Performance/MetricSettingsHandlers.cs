using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Performance;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Performance;

/// <summary>The performance thresholds as the API shows them; <see cref="Version"/> is the ETag for If-Match.</summary>
public sealed record MetricSettingsView(
    int OnTrackPercent,
    int AtRiskPercent,
    int HealthyCoveragePercent,
    IReadOnlyList<string> EarlyStages,
    int IdleDays,
    string Version,
    DateTimeOffset? UpdatedAt,
    int StalledDays)
{
    /// <summary>Hours after the latest CRM import at which every page warns that the data is old; 0: no warning.</summary>
    public int DataAgeLimitHours { get; init; }

    public static MetricSettingsView Of(MetricSettings s) => new(s.OnTrackPercent, s.AtRiskPercent, s.HealthyCoveragePercent, s.EarlyStageList, s.IdleDays,
        s.Version.ToString("N"), s.UpdatedAt, s.StalledDays)
    {
        DataAgeLimitHours = s.DataAgeLimitHours,
    };
}

/// <summary>A leader's new thresholds: every field is required but <see cref="StalledDays"/> and the data age limit, which stay as they are when left out.</summary>
public sealed record MetricSettingsInput(int? OnTrackPercent, int? AtRiskPercent, int? HealthyCoveragePercent, IReadOnlyList<string>? EarlyStages, int? IdleDays,
    int? StalledDays = null)
{
    /// <summary>Hours after the latest CRM import at which every page warns (1 to 744), 0 for no warning; null keeps it.</summary>
    public int? DataAgeLimitHours { get; init; }
}

public enum SettingsOutcome
{
    Saved,
    PreconditionRequired,
    Conflict,
}

public sealed record SettingsResult(SettingsOutcome Outcome, MetricSettingsView Current);

/// <summary>Reads and changes the organisation's performance thresholds (leaders and admins change them), audited.</summary>
public sealed class MetricSettingsHandlers(AppDbContext db, AccessPolicy policy, TimeProvider clock, Imports.DataAge dataAge)
{
    public async Task<MetricSettingsView> GetAsync(CancellationToken ct) => MetricSettingsView.Of(await MetricSettingsStore.LoadAsync(db, ct));

    public async Task<SettingsResult> UpdateAsync(MetricSettingsInput input, string? expectedVersion, CancellationToken ct)
    {
        policy.Ensure(Act.SetMetrics);
        var row = await db.MetricSettings.SingleOrDefaultAsync(s => s.Id == MetricSettings.SingleId, ct);
        var settings = row ?? MetricSettings.Default();
        if (expectedVersion is null)
        {
            return new(SettingsOutcome.PreconditionRequired, MetricSettingsView.Of(settings));
        }

        if (expectedVersion != settings.Version.ToString("N"))
        {
            return new(SettingsOutcome.Conflict, MetricSettingsView.Of(settings));
        }

        var before = MetricSettingsView.Of(settings);
        var now = clock.GetUtcNow();
        settings.Change(Required(input.OnTrackPercent, "onTrackPercent"), Required(input.AtRiskPercent, "atRiskPercent"),
            Required(input.HealthyCoveragePercent, "healthyCoveragePercent"), input.EarlyStages ?? [], Required(input.IdleDays, "idleDays"),
            policy.Actor.Id, now, input.StalledDays, input.DataAgeLimitHours);
        if (row is null)
        {
            db.MetricSettings.Add(settings);
        }

        var after = MetricSettingsView.Of(settings);
        db.AuditEntries.Add(AuditEntry.Record(now, policy.Actor.Id, "metrics.settings-changed", "MetricSettings", MetricSettings.SingleId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonSerializer.Serialize(new { before = before with { Version = "" }, after = after with { Version = "" } }, JsonSerializerOptions.Web)));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            return new(SettingsOutcome.Conflict, MetricSettingsView.Of(await MetricSettingsStore.LoadAsync(db, ct)));
        }

        dataAge.Invalidate();
        return new(SettingsOutcome.Saved, after);
    }

    private static int Required(int? value, string field) =>
        value ?? throw new DomainException($"The {field} is required.", field);
}
