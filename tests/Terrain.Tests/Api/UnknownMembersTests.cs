using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// Every API endpoint that takes a JSON body refuses a member it does not know (422 naming it) instead of dropping
/// it, so that a misspelt field never succeeds without its value. The endpoints come from the app's own route table.
/// </summary>
public sealed partial class UnknownMembersTests
{
    private const string Unknown = "zzNotAField";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<(string Method, RouteEndpoint Endpoint, Type Body)> JsonBodyEndpoints(TestApp app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal) == true)
            .Select(e => (Method: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Single() ?? "GET", Endpoint: e,
                Accepts: e.Metadata.GetMetadata<IAcceptsMetadata>()))
            .Where(e => e.Accepts is { RequestType: not null } a && a.ContentTypes.Contains("application/json"))
            .Select(e => (e.Method, e.Endpoint, e.Accepts!.RequestType!))
            .ToList();

    [GeneratedRegex(@"\{(?<name>\w+)(:(?<type>\w+))?\??\}")]
    private static partial Regex RouteParameter();

    [Theory, BothDatabases]
    public async Task Every_endpoint_taking_json_refuses_an_unknown_member_naming_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var callers = new List<(string Who, HttpClient Client)> { ("anonymous", app.Anonymous()) };
        foreach (var email in new[] { "rep1", "manager1", "leader", "admin" })
        {
            callers.Add((email, await app.ApiAsAsync($"{email}@test.terrain")));
        }

        var plan = org.PlanOf[org.Rep1.Id].Id;
        var section = (await callers[1].Client.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}", Ct))
            .GetProperty("sections")[0].GetProperty("key").GetString()!;
        // Ids of real objects where a handler reads the body only after finding the object (a plan's section, whose
        // shape depends on its kind); anything else is bound, and refused, before the handler looks anything up.
        var ids = new Dictionary<string, Guid> { ["plans"] = plan, ["strategies"] = org.Strategy.Id, ["cycles"] = org.Cycle.Id, ["users"] = org.Rep1.Id };

        var endpoints = JsonBodyEndpoints(app);
        Assert.True(endpoints.Count > 15, $"only {endpoints.Count} endpoints take JSON");
        foreach (var (method, endpoint, type) in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText!.TrimStart('/');
            var resource = pattern.Split('/')[2];
            var url = "/" + RouteParameter().Replace(pattern, m => m.Groups["type"].Value switch
            {
                "long" or "int" => "1",
                _ when m.Groups["name"].Value == "id" => ids.GetValueOrDefault(resource, Guid.NewGuid()).ToString(),
                _ when m.Groups["name"].Value == "key" => section,
                _ => Guid.NewGuid().ToString(),
            });
            var many = type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable)) && type != typeof(JsonElement);
            var body = many ? $$"""[{"{{Unknown}}":1}]""" : $$"""{"{{Unknown}}":1}""";
            var field = many ? $"[0].{Unknown}" : Unknown;

            var answers = new List<string>();
            foreach (var (who, client) in callers)
            {
                var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if ((await client.GetAsync(url, Ct)).Headers.ETag is { } etag)
                {
                    request.Headers.IfMatch.Add(etag);
                }

                var response = await client.SendAsync(request, Ct);
                var text = await response.Content.ReadAsStringAsync(Ct);
                answers.Add($"{who}: {(int)response.StatusCode} {text}");
                var named = response.StatusCode == HttpStatusCode.UnprocessableEntity
                            && JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _);
                // A reviewer who may edit a plan only while it is submitted (ADR 0033) is refused on the plan's state
                // before the body is read: 409, which says nothing the reviewer may not know.
                var refusedOnState = response.StatusCode == HttpStatusCode.Conflict && who is "manager1" or "leader" && pattern.StartsWith("api/v1/plans/", StringComparison.Ordinal);
                Assert.True(named || refusedOnState || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound,
                    $"{method} {pattern} as {who}: {(int)response.StatusCode} {text}");
            }

            Assert.True(answers.Any(a => a.Contains(" 422 ", StringComparison.Ordinal)),
                $"{method} {pattern}: nobody was told the member is unknown\n{string.Join("\n", answers)}");
        }
    }

    [Theory, BothDatabases]
    public async Task A_computed_member_sent_in_a_body_is_refused_as_unknown(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var body = """{"name":"Y","periodStart":"2028-01-01","periodEnd":"2028-12-31","content":{"isEmpty":true}}""";

        var response = await leader.PostAsync("/api/v1/strategies", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("isEmpty", out _), problem.ToString());
    }

    /// <summary>
    /// A member that cannot be set (a computed property, or one marked [JsonIgnore] that System.Text.Json still knows)
    /// would take a value without a word, as an unknown member used to: request bodies have none.
    /// </summary>
    [Fact]
    public async Task Every_member_of_a_request_body_can_be_sent()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var options = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var seen = new HashSet<Type>();
        var readOnly = new List<string>();

        void Walk(Type type)
        {
            if (!seen.Add(type))
            {
                return;
            }

            var info = options.GetTypeInfo(type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    foreach (var property in info.Properties)
                    {
                        if (property.Set is null)
                        {
                            readOnly.Add($"{type.Name}.{property.Name}");
                        }

                        Walk(property.PropertyType);
                    }

                    break;
                case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary:
                    Walk(info.ElementType!);
                    break;
            }
        }

        foreach (var (_, _, type) in JsonBodyEndpoints(app))
        {
            Walk(type);
        }

        Assert.True(seen.Count > 15);
        Assert.True(readOnly.Count == 0, string.Join("\n", readOnly));
    }
}
