using System.Text;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] ActualsRows =>
    [
        // JSON batches of actuals are imports: admins only, whoever sends what.
        new("POST", "api/v1/actuals/{kind}", _ => "/api/v1/actuals/activities", "401", "403", "403", "403", "200", _ => ActivityBatch()),
    ];

    private static StringContent ActivityBatch()
    {
        var content = new StringContent("""[{ "externalId": "AUTH-1", "owner": "rep1@test.terrain", "type": "Call", "date": "2026-11-02" }]""",
            Encoding.UTF8, "application/json");
        // A request header, sent with the content: the table's rows carry a body only.
        content.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
        return content;
    }
}
