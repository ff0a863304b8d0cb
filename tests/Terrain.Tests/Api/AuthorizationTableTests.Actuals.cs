using System.Text;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] ActualsRows =>
    [
        // JSON batches of actuals are imports: admins only, whoever sends what.
        new("POST", "api/v1/actuals/{kind}", _ => "/api/v1/actuals/activities", "401", "403", "403", "403", "200", _ => ActivityBatch()),

        // Saved import mappings belong to those who import (Act.Import): admins only, reading included.
        new("GET", "api/v1/import-mappings/", _ => "/api/v1/import-mappings", "401", "403", "403", "403", "200"),
        new("GET", "api/v1/import-mappings/{id:guid}", _ => $"/api/v1/import-mappings/{Guid.Empty}", "401", "403", "403", "403", "404"),
        new("POST", "api/v1/import-mappings/", _ => "/api/v1/import-mappings", "401", "403", "403", "403", "201", _ => Mapping()),
        new("PUT", "api/v1/import-mappings/{id:guid}", _ => $"/api/v1/import-mappings/{Guid.Empty}", "401", "403", "403", "403", "404", _ => Mapping()),
        new("DELETE", "api/v1/import-mappings/{id:guid}", _ => $"/api/v1/import-mappings/{Guid.Empty}", "401", "403", "403", "403", "404"),
        Page("Admin/ImportMappings", "/Admin/ImportMappings", "denied", "denied", "denied", "200"),
        Page("Admin/ImportMappings/Index", "/Admin/ImportMappings/Index", "denied", "denied", "denied", "200"),
        Page("Admin/ImportMappings/Edit/{id:guid?}", "/Admin/ImportMappings/Edit", "denied", "denied", "denied", "200"),
    ];

    private static StringContent Mapping() => new(
        """{ "name": "Auth CRM", "kind": "Activities", "dateFormats": ["dd.MM.yyyy"], "columns": { "Id": "externalId", "Who": "owner", "When": "date" } }""",
        Encoding.UTF8, "application/json");

    private static StringContent ActivityBatch()
    {
        var content = new StringContent("""[{ "externalId": "AUTH-1", "owner": "rep1@test.terrain", "type": "Call", "date": "2026-11-02" }]""",
            Encoding.UTF8, "application/json");
        // A request header, sent with the content: the table's rows carry a body only.
        content.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
        return content;
    }
}
