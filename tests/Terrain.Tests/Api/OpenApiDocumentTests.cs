using System.Text.Json;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// What the OpenAPI document must say for a generated client to work unaided (GeneratedClientTests walks such a
/// client); each rule here names the operation or schema that breaks it.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Anonymous = ["signIn", "refreshToken"];

    private static async Task<JsonElement> DocumentAsync()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var client = await app.ApiAsAsync("rep1@test.terrain");
        return JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Name != "parameters")
            .Select(o => (path.Name, o.Name.ToUpperInvariant(), o.Value)));

    private static JsonElement Schema(JsonElement document, string name) => document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private static string? Ref(JsonElement schema) => schema.TryGetProperty("$ref", out var r) ? r.GetString()!.Split('/')[^1] : null;

    [Fact]
    public async Task Every_operation_has_a_unique_id_and_says_who_may_call_it()
    {
        var document = await DocumentAsync();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var operations = Operations(document).ToList();
        var ids = operations.Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : $"(none: {o.Method} {o.Path})").ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[a-z][A-Za-z]+$", id));
        Assert.All(operations, o =>
        {
            var id = o.Operation.GetProperty("operationId").GetString();
            var secured = o.Operation.TryGetProperty("security", out var security) && security.EnumerateArray().Any(r => r.TryGetProperty("Bearer", out _));
            Assert.True(secured != Anonymous.Contains(id), $"{id}: security");
            // Secured operations answer 401 without a valid token; the anonymous ones (sign in, refresh) for bad credentials.
            Assert.True(o.Operation.GetProperty("responses").TryGetProperty("401", out _), $"{id}: 401");
        });
    }

    [Fact]
    public async Task The_operations_that_answer_with_an_etag_say_so_and_do()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var document = JsonDocument.Parse(await leader.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;

        var declared = Operations(document)
            .Where(o => o.Operation.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('2') &&
                r.Value.TryGetProperty("headers", out var headers) && headers.TryGetProperty("ETag", out _)))
            .Select(o => o.Operation.GetProperty("operationId").GetString()).Order().ToList();
        string[] reads =
        [
            $"/api/v1/plans/{plan}", $"/api/v1/plans/{plan}/sections/targets", $"/api/v1/users/{app.Org.Rep1.Id}",
            $"/api/v1/cycles/{app.Org.Cycle.Id}", $"/api/v1/strategies/{app.Org.Strategy.Id}",
        ];

        Assert.Equal(Terrain.Infrastructure.Web.OpenApiSetup.SendsETag.Order(), declared);
        foreach (var path in reads)
        {
            var response = await leader.GetAsync(path, Ct);
            Assert.True(response.IsSuccessStatusCode && response.Headers.ETag is not null, path);
        }
    }

    [Fact]
    public async Task Every_refusal_has_a_problem_body_and_every_path_with_an_id_can_answer_404()
    {
        var document = await DocumentAsync();

        Assert.All(Operations(document), o =>
        {
            var id = o.Operation.GetProperty("operationId").GetString();
            var responses = o.Operation.GetProperty("responses");
            foreach (var response in responses.EnumerateObject().Where(r => r.Name.StartsWith('4')))
            {
                var problem = response.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
                Assert.True(Ref(problem) is "ProblemDetails" or "HttpValidationProblemDetails", $"{id} {response.Name}");
            }

            if (o.Path.Contains('{', StringComparison.Ordinal))
            {
                Assert.True(responses.TryGetProperty("404", out _), $"{id}: 404");
            }
        });
        Assert.True(Schema(document, "ProblemDetails").GetProperty("properties").TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Numbers_are_numbers_and_enums_are_strings_with_their_values()
    {
        var document = await DocumentAsync();

        var mixed = new List<string>();
        Walk(document, "", (path, element) =>
        {
            if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
            {
                var types = type.EnumerateArray().Select(t => t.GetString()).ToList();
                if (types.Contains("string") && (types.Contains("number") || types.Contains("integer")))
                {
                    mixed.Add(path);
                }
            }
        });
        Assert.Empty(mixed);
        var schemas = document.GetProperty("components").GetProperty("schemas").EnumerateObject().ToList();
        Assert.All(schemas.Where(s => s.Value.TryGetProperty("enum", out _)), s => Assert.Equal("string", s.Value.GetProperty("type").GetString()));
        Assert.Equal("decimal", Schema(document, "AccountRow").GetProperty("properties").GetProperty("annualPotential").GetProperty("format").GetString());
        Assert.Equal("Role", Ref(Schema(document, "UserRow").GetProperty("properties").GetProperty("role")));
        Assert.Equal("Role", Ref(Schema(document, "MeResponse").GetProperty("properties").GetProperty("role")));
        Assert.Equal("PlanStatus", Ref(Schema(document, "PlanRow").GetProperty("properties").GetProperty("status")));
        Assert.Equal("PlanStatus", Ref(Schema(document, "PlanDetail").GetProperty("properties").GetProperty("status")));
        Assert.Equal("CycleStatus", Ref(Schema(document, "CycleRow").GetProperty("properties").GetProperty("status")));
        Assert.Equal("StrategyStatus", Ref(Schema(document, "StrategyRow").GetProperty("properties").GetProperty("status")));
        Assert.Equal(["Low", "Medium", "High"], Schema(document, "RiskLevel").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        var filter = document.GetProperty("paths").GetProperty("/api/v1/strategies").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "status");
        Assert.Equal("StrategyStatus", Ref(filter.GetProperty("schema")));
    }

    [Fact]
    public async Task A_section_is_described_per_kind_without_computed_members()
    {
        var document = await DocumentAsync();

        foreach (var section in new[] { "SectionDetail", "VersionSection" })
        {
            var discriminator = Schema(document, section).GetProperty("discriminator");
            Assert.Equal("kind", discriminator.GetProperty("propertyName").GetString());
            var mapping = discriminator.GetProperty("mapping").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString()!.Split('/')[^1]);
            Assert.Equal(Enum.GetNames<SectionKind>().Order(), mapping.Keys.Order());
            foreach (var kind in Enum.GetValues<SectionKind>())
            {
                var content = Schema(document, mapping[kind.ToString()]).GetProperty("allOf")[1].GetProperty("properties").GetProperty("content");
                Assert.Equal(SectionContents.TypeOf(kind).Name, Ref(content));
            }
        }

        var put = document.GetProperty("paths").GetProperty("/api/v1/plans/{id}/sections/{key}").GetProperty("put");
        Assert.Equal("SectionContent", Ref(put.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema")));
        Assert.Equal(["opportunities", "strengths", "threats", "weaknesses"],
            Schema(document, "SwotContent").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        var leaks = new List<string>();
        Walk(document, "", (path, element) =>
        {
            if (element.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                leaks.AddRange(properties.EnumerateObject().Where(p => p.Name is "isEmpty" or "isBlank" or "isRevenue").Select(p => $"{path}.{p.Name}"));
            }
        });
        Assert.Empty(leaks);
        Assert.False(document.GetProperty("components").GetProperty("schemas").TryGetProperty("JsonElement", out _));
    }

    [Fact]
    public async Task Bodies_and_files_are_described_as_sent()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        Assert.False(document.GetProperty("components").GetProperty("schemas").TryGetProperty("Input", out _));
        Assert.Equal("CreatedUser", Ref(paths.GetProperty("/api/v1/users").GetProperty("post").GetProperty("responses").GetProperty("201")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema")));
        var import = paths.GetProperty("/api/v1/imports/{kind}").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.Equal("binary", import.GetProperty("text/csv").GetProperty("schema").GetProperty("format").GetString());
        Assert.Equal("text/csv", import.GetProperty("multipart/form-data").GetProperty("encoding").GetProperty("file").GetProperty("contentType").GetString());
        var version = paths.GetProperty("/api/v1/plans/{id}/versions/{number}").GetProperty("get").GetProperty("parameters");
        var compare = paths.GetProperty("/api/v1/plans/{id}/versions/{number}/compare/{other}").GetProperty("get").GetProperty("parameters");
        Assert.Equal(
            version.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "number").GetProperty("schema").GetProperty("type").GetString(),
            compare.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "number").GetProperty("schema").GetProperty("type").GetString());
        var put = paths.GetProperty("/api/v1/plans/{id}/sections/{key}").GetProperty("put").GetProperty("parameters");
        Assert.Contains(put.EnumerateArray(), p => p.GetProperty("name").GetString() == "If-Match" && p.GetProperty("required").GetBoolean());
    }

    private static void Walk(JsonElement element, string path, Action<string, JsonElement> visit)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                visit(path, element);
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, $"{path}/{property.Name}", visit);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}/{i++}", visit);
                }

                break;
        }
    }
}
