using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    // A manager reads the allocation and adjusts their own team's reps in it (ADR 0048; the manager's turn comes before the
    // leader allocates, so there is none yet: 404). Only sales leaders allocate, set the teams, publish and export (admins do not set quotas, ADR 0034); everyone signed in
    // reads their own quota letter (404 while none is published to them) and only a rep acknowledges one. The leader's
    // create row allocates 1,000,000.01 equally as a draft (version 1), so its publish row finds the draft summing to the target.
    private static Row[] QuotaAllocationRows =>
    [
        Page("Quotas/Letter", "/Quotas/Letter", "200", "200", "200", "200"),
        new("GET", "Quotas/Allocate/{id:guid}", o => $"/Quotas/Allocate/{o.Cycle.Id}", "login", "denied", "200", "200", "denied"),

        new("POST", "api/v1/cycles/{cycleId:guid}/quota-allocations/preview", o => $"/api/v1/cycles/{o.Cycle.Id}/quota-allocations/preview",
            "401", "403", "403", "200", "403", _ => JsonContent.Create(new { target = 1_000_000.01m, method = "Equal", seasonality = "Even" })),
        new("POST", "api/v1/cycles/{cycleId:guid}/quota-allocations/", o => $"/api/v1/cycles/{o.Cycle.Id}/quota-allocations",
            "401", "403", "403", "201", "403", _ => JsonContent.Create(new { target = 1_000_000.01m, method = "Equal", seasonality = "Even" })),
        new("GET", "api/v1/cycles/{cycleId:guid}/quota-allocations/current", o => $"/api/v1/cycles/{o.Cycle.Id}/quota-allocations/current",
            "401", "403", "404", "200", "403"),
        new("PUT", "api/v1/cycles/{cycleId:guid}/quota-allocations/current/draft", o => $"/api/v1/cycles/{o.Cycle.Id}/quota-allocations/current/draft",
            "401", "403", "404", "422", "403", _ => JsonContent.Create(new { version = 1, reps = Array.Empty<object>() })),
        new("POST", "api/v1/cycles/{cycleId:guid}/quota-allocations/current/publish", o => $"/api/v1/cycles/{o.Cycle.Id}/quota-allocations/current/publish",
            "401", "403", "403", "200", "403"),
        new("GET", "api/v1/cycles/{cycleId:guid}/quota-allocations/current/export", o => $"/api/v1/cycles/{o.Cycle.Id}/quota-allocations/current/export?format=xlsx",
            "401", "403", "403", "200", "403"),
        new("GET", "api/v1/me/quota-letter/", _ => "/api/v1/me/quota-letter", "401", "404", "404", "404", "404"),
        new("POST", "api/v1/me/quota-letter/acknowledge", _ => "/api/v1/me/quota-letter/acknowledge", "401", "404", "403", "403", "403",
            o => JsonContent.Create(new { cycleId = o.Cycle.Id, version = 1 })),
    ];
}
