using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Features.Cycles;
using Terrain.Features.Plans;
using Terrain.Features.Strategies;

namespace Terrain.Infrastructure.Web;

/// <summary>
/// The OpenAPI document says exactly what the API does, so that a client generated from it (Kiota, in
/// tests/Terrain.Tests/Api/GeneratedClientTests.cs) works without hand-written help. What the generator cannot learn from
/// the endpoints and the types is said here, in one place: the bearer scheme and who may call what (401, 403), the
/// problem body of every refusal, the values of the fields that hold a name from a closed list, exact decimals, and the
/// plan sections, whose content has the shape of the section's kind.
/// </summary>
public static class OpenApiSetup
{
    public const string BearerScheme = "Bearer";

    public static IServiceCollection AddTerrainOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.CreateSchemaReferenceId = SchemaName;
            options.AddSchemaTransformer(DescribeValues);
            options.AddOperationTransformer(DescribeAccess);
            options.AddDocumentTransformer(DescribeDocument);
        });

    /// <summary>
    /// A type nested in a use case (<c>CreateUser.Input</c>, <c>UpdateUser.Input</c>) is named after it, so that two
    /// bodies never share the name <c>Input</c>.
    /// </summary>
    private static string? SchemaName(System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        var name = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        return name is not null && type.Type.DeclaringType is { IsAbstract: false } owner && !type.Type.IsEnum
            ? owner.Name + name
            : name;
    }

    /// <summary>Enums are strings with their names; decimals are exact decimals, never binary doubles.</summary>
    private static Task DescribeValues(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsEnum && schema.Enum is { Count: > 0 })
        {
            schema.Type = JsonSchemaType.String | (schema.Type ?? 0) & JsonSchemaType.Null;
        }
        else if (type == typeof(decimal) && schema.Type is { } t && t.HasFlag(JsonSchemaType.Number))
        {
            schema.Format = "decimal";
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Who may call the operation, and the problem body of every refusal: anonymous operations (sign-in) carry no
    /// security requirement; the others take the bearer token and answer 401 without it, 403 when a role is required,
    /// and 404 where a path names something that may not exist or not be the caller's to see.
    /// </summary>
    private static Task DescribeAccess(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];
        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Not signed in: no bearer token, or an expired or revoked one." });
            if (metadata.OfType<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy) || !string.IsNullOrEmpty(a.Roles))
                || metadata.OfType<AuthorizationPolicy>().Any(p => p.Requirements.Any(r => r is not DenyAnonymousAuthorizationRequirement)))
            {
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The caller's role may not do this." });
            }
        }

        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true)
        {
            operation.Responses.TryAdd("404", new OpenApiResponse { Description = "Not found, or not the caller's to see." });
        }

        if (operation.RequestBody is not null || operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true)
        {
            operation.Responses.TryAdd("400", new OpenApiResponse
            {
                Description = "A parameter of the wrong type (named, in plain words), or a body that is not JSON.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("HttpValidationProblemDetails", context.Document) },
                },
            });
        }

        if (operation.RequestBody is not null)
        {
            operation.Responses.TryAdd("413", new OpenApiResponse { Description = "The body is larger than the endpoint takes." });
        }

        if (metadata.OfType<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>().Any())
        {
            operation.Responses.TryAdd("429", new OpenApiResponse
            {
                Description = "Too many attempts from this address: try again after Retry-After seconds.",
                Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader { Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" } },
                },
            });
        }

        var ifMatchRequired = operation.Responses.ContainsKey("428");
        if (ifMatchRequired || operation.OperationId is "answerQuestion" or "publishStrategy" or "recordAttendance")
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = ifMatchRequired,
                Description = ifMatchRequired
                    ? "The ETag of the version the change is based on (from its GET, or the version field quoted); a stale one is refused."
                    : "Optional: the ETag of the version the change is based on; a stale one is refused.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        if (operation.OperationId is { } operationId && SendsETag.Contains(operationId) && operation.Responses.FirstOrDefault(r => r.Key.StartsWith('2')).Value is OpenApiResponse success)
        {
            success.Headers ??= new Dictionary<string, IOpenApiHeader>();
            success.Headers["ETag"] = new OpenApiHeader
            {
                Description = "The version of what was read or written, quoted: send it back in If-Match to change it.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (status.StartsWith('4') && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
            {
                bare.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) },
                };
            }
        }

        return Task.CompletedTask;
    }

    private static async Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "Terrain API";
        document.Info.Description =
            "Sales territory planning. Sign in with POST /api/v1/auth/login and send the access token as a Bearer token.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The accessToken of POST /api/v1/auth/login (or /refresh).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        OpenProblemDetails(document);
        InlineFiles(document);
        await DescribeSectionsAsync(document, context, ct);
        DescribeVersionNumbers(document);
        PlainNumbersInLists(document);
        DescribeClosedLists(document);
    }

    /// <summary>Problem details carry extensions (traceId, the current section on a conflict): they are open objects.</summary>
    private static void OpenProblemDetails(OpenApiDocument document)
    {
        foreach (var name in new[] { "ProblemDetails", "HttpValidationProblemDetails" })
        {
            if (document.Components!.Schemas!.TryGetValue(name, out var found) && found is OpenApiSchema problem)
            {
                problem.AdditionalPropertiesAllowed = true;
                problem.AdditionalProperties = null;
                problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
                problem.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null };
            }
        }

        document.Components!.Schemas!.TryAdd("ProblemDetails", new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            },
        });
    }

    /// <summary>A file (the .ics invitation) is described where it is used, as binary content, not as a schema named Stream.</summary>
    private static void InlineFiles(OpenApiDocument document)
    {
        if (document.Components!.Schemas!.Remove("Stream"))
        {
            var media = document.Paths.Values.SelectMany(p => p.Operations ?? [])
                .SelectMany(o => o.Value.Responses ?? [])
                .SelectMany(r => r.Value.Content ?? new Dictionary<string, OpenApiMediaType>())
                .Select(c => c.Value);
            foreach (var file in media.Where(m => m.Schema is OpenApiSchemaReference { Reference.Id: "Stream" }))
            {
                file.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            }
        }
    }

    /// <summary>
    /// A list of decimals (a goal's quarterly targets) is a list of plain numbers: Kiota's JSON reader takes decimals one
    /// at a time but not in a list, and the values on the wire are the same.
    /// </summary>
    private static void PlainNumbersInLists(OpenApiDocument document)
    {
        var properties = document.Components!.Schemas!.Values.OfType<OpenApiSchema>().SelectMany(s => s.Properties?.Values ?? []);
        foreach (var list in properties.OfType<OpenApiSchema>().Where(p => p.Items is OpenApiSchema { Format: "decimal" }))
        {
            ((OpenApiSchema)list.Items!).Format = null;
        }
    }

    /// <summary>
    /// /versions/{number} and /versions/{number}/compare/{other} share a path segment, which a generated client reads as
    /// one parameter: it is a string in both, a version number where one version is read, or 'current' too where two are
    /// compared.
    /// </summary>
    private static void DescribeVersionNumbers(OpenApiDocument document)
    {
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations ?? []).Select(o => o.Value))
        {
            var (pattern, description) = operation.OperationId switch
            {
                "getVersion" => ("^[0-9]+$", "A version number: 1 for the first submission."),
                "compareVersions" => ("^([0-9]+|current)$", "A version number, or current for the plan as it is now."),
                _ => (null, null),
            };
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => pattern is not null && p.Name is "number" or "other"))
            {
                parameter.Description = description;
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern };
            }
        }
    }

    /// <summary>
    /// A section's content has the shape of its kind, and the kind travels beside it (never inside it): a section and a
    /// stored version's section are described per kind, told apart by <c>kind</c>; a body that saves a section is one of
    /// the content shapes (the section's key decides which).
    /// </summary>
    private static async Task DescribeSectionsAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var schemas = document.Components!.Schemas!;
        var kinds = Enum.GetValues<SectionKind>();
        foreach (var kind in kinds)
        {
            // The generator names the content shapes after the polymorphic base (SectionContentRisksContent) when a
            // stored version refers to them; they are renamed here, or made when nothing refers to them yet.
            var type = SectionContents.TypeOf(kind);
            if (schemas.Remove(nameof(SectionContent) + type.Name, out var generated))
            {
                ((OpenApiSchema)generated).Type = JsonSchemaType.Object;
                schemas[type.Name] = generated;
            }
            else if (!schemas.ContainsKey(type.Name))
            {
                document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, ct));
            }
        }

        schemas[nameof(SectionContent)] = new OpenApiSchema
        {
            Description = "The content of a section: the shape of the section's kind (see docs/plan-sections.md).",
            OneOf = kinds.Select(k => (IOpenApiSchema)new OpenApiSchemaReference(SectionContents.TypeOf(k).Name, document)).ToList(),
        };
        Discriminate(document, nameof(SectionDetail), kinds);
        Discriminate(document, nameof(VersionSection), kinds);
        schemas.Remove("JsonElement");

        foreach (var (_, path) in document.Paths)
        {
            foreach (var (method, operation) in path.Operations ?? [])
            {
                if (operation.OperationId is "replaceSection" or "patchSection"
                    && operation.RequestBody is OpenApiRequestBody body && body.Content is { } content)
                {
                    foreach (var media in content.Values)
                    {
                        media.Schema = new OpenApiSchemaReference(nameof(SectionContent), document);
                    }
                }
            }
        }
    }

    /// <summary>One schema per kind: the base's members and the content of that kind, chosen by the base's kind.</summary>
    private static void Discriminate(OpenApiDocument document, string baseName, SectionKind[] kinds)
    {
        var schemas = document.Components!.Schemas!;
        if (!schemas.TryGetValue(baseName, out var found) || found is not OpenApiSchema section)
        {
            return;
        }

        section.Properties?.Remove("content");
        section.Required?.Remove("content");
        section.Properties!["kind"] = new OpenApiSchemaReference(nameof(SectionKind), document);
        section.AdditionalPropertiesAllowed = true;
        section.Discriminator = new OpenApiDiscriminator
        {
            PropertyName = "kind",
            Mapping = kinds.ToDictionary(k => k.ToString(), k => new OpenApiSchemaReference(k + baseName, document)),
        };
        foreach (var kind in kinds)
        {
            schemas[kind + baseName] = new OpenApiSchema
            {
                Description = $"A {kind} section.",
                AllOf =
                [
                    new OpenApiSchemaReference(baseName, document),
                    new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "content" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["content"] = new OpenApiSchemaReference(SectionContents.TypeOf(kind).Name, document),
                        },
                    },
                ],
            };
        }
    }

    /// <summary>
    /// Fields that hold a name from a closed list: the values are the enum's names (the API writes them with
    /// <c>ToString()</c>) or the lists the content rules accept.
    /// </summary>
    private static readonly (string Schema, string Property, string Values)[] ClosedLists =
    [
        (nameof(PlanRow), "status", nameof(PlanStatus)),
        (nameof(PlanDetail), "status", nameof(PlanStatus)),
        (nameof(BoardRow), "status", nameof(PlanStatus)),
        (nameof(ExtensionRow), "deadline", nameof(DeadlineKind)),
        (nameof(ExtensionInput), "deadline", nameof(DeadlineKind)),
        (nameof(CycleRow), "status", nameof(CycleStatus)),
        (nameof(CyclePatch), "status", nameof(CycleStatus)),
        (nameof(CycleRow), "calendar", nameof(FiscalCalendar)),
        (nameof(CycleInput), "calendar", nameof(FiscalCalendar)),
        (nameof(CyclePatch), "calendar", nameof(FiscalCalendar)),
        (nameof(BoardView), "cycleStatus", nameof(CycleStatus)),
        (nameof(AlignmentCycle), "status", nameof(CycleStatus)),
        (nameof(StrategyRow), "status", nameof(StrategyStatus)),
        (nameof(StrategyDetail), "status", nameof(StrategyStatus)),
        (nameof(RevisionRow), "status", nameof(StrategyStatus)),
        (nameof(CheckView), "status", nameof(StrategyStatus)),
        (nameof(ReadinessView), "status", nameof(StrategyStatus)),
        (nameof(TemplateSectionRow), "kind", nameof(SectionKind)),
        (nameof(SectionInput), "kind", nameof(SectionKind)),
        (nameof(InviteeRow), "role", nameof(Role)),
        ("CreateUserInput", "role", nameof(Role)),
        ("UpdateUserInput", "role", nameof(Role)),
        (nameof(WorkshopRow), "length", nameof(WorkshopLength)),
        (nameof(WorkshopInput), "length", nameof(WorkshopLength)),
        (nameof(WorkshopPatch), "length", nameof(WorkshopLength)),
        (nameof(Goal), "metric", "GoalMetric"),
        (nameof(Objective), "metric", "GoalMetric"),
        (nameof(ObjectiveAlignment), "metric", "GoalMetric"),
        (nameof(UncountedGoal), "metric", "GoalMetric"),
        (nameof(Features.Dashboards.RepGoalRow), "metric", "GoalMetric"),
        (nameof(Features.Dashboards.ObjectiveRow), "metric", "GoalMetric"),
        (nameof(SegmentRow), "tier", "Tier"),
        (nameof(ActionItem), "status", "ActionStatus"),
        (nameof(ResourceItem), "kind", "ResourceKind"),
        (nameof(RiskItem), "likelihood", "RiskLevel"),
        (nameof(RiskItem), "impact", "RiskLevel"),
        (nameof(Features.Performance.ActionStatusInput), "status", "ActionStatus"),
        (nameof(Features.Performance.ActionRow), "status", "ActionStatus"),
        (nameof(Features.Performance.ExpectedBasis), "kind", "ExpectedKind"),
        (nameof(Features.Quotas.QuotaHistoryEntry), "source", nameof(QuotaSource)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioInput), "scope", nameof(Domain.TerritoryDesign.ScenarioScope)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioInput), "workload", nameof(Domain.TerritoryDesign.WorkloadMeasure)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioInput), "centres", nameof(Domain.TerritoryDesign.ScenarioCentres)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioView), "scope", nameof(Domain.TerritoryDesign.ScenarioScope)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioView), "workload", nameof(Domain.TerritoryDesign.WorkloadMeasure)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioView), "centres", nameof(Domain.TerritoryDesign.ScenarioCentres)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioView), "status", nameof(Domain.TerritoryDesign.ScenarioStatus)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioSummary), "scope", nameof(Domain.TerritoryDesign.ScenarioScope)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioSummary), "status", nameof(Domain.TerritoryDesign.ScenarioStatus)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioSide), "status", nameof(Domain.TerritoryDesign.ScenarioStatus)),
        (nameof(Features.TerritoryDesign.Scenarios.ScenarioSide), "workload", nameof(Domain.TerritoryDesign.WorkloadMeasure)),
    ];

    /// <summary>The operations whose success answer carries the ETag of a record that is changed with If-Match.</summary>
    public static readonly IReadOnlySet<string> SendsETag = new HashSet<string>(StringComparer.Ordinal)
    {
        "getPlan", "getSection", "replaceSection", "patchSection", "getUser", "updateUser", "openCycle", "getCycle", "updateCycle",
        "createStrategy", "getStrategy", "updateActionStatus", "getMetricSettings", "updateMetricSettings",
        "getImportMapping", "createImportMapping", "updateImportMapping",
        "getReview", "updateReview", "completeReview", "updateCorrectiveAction", "getReviewCadence", "setReviewCadence",
        "getTerritory", "createTerritory", "updateTerritory", "getAssignmentRule", "createAssignmentRule", "updateAssignmentRule",
        "getTerritoryScenario", "createTerritoryScenario", "runTerritoryScenario", "cancelTerritoryScenario", "refreshTerritoryScenario", "editTerritoryScenario",
    };

    /// <summary>Query parameters that filter by a name from a closed list (matched ignoring case).</summary>
    private static readonly (string Operation, string Parameter, string Values)[] ClosedParameters =
    [
        ("listUsers", "role", nameof(Role)),
        ("listStrategies", "status", nameof(StrategyStatus)),
        ("getBoard", "status", nameof(PlanStatus)),
    ];

    private static readonly Dictionary<string, IReadOnlyList<string>> Lists = new()
    {
        [nameof(PlanStatus)] = Enum.GetNames<PlanStatus>(),
        [nameof(DeadlineKind)] = Enum.GetNames<DeadlineKind>(),
        [nameof(CycleStatus)] = Enum.GetNames<CycleStatus>(),
        [nameof(FiscalCalendar)] = Enum.GetNames<FiscalCalendar>(),
        [nameof(StrategyStatus)] = Enum.GetNames<StrategyStatus>(),
        [nameof(SectionKind)] = Enum.GetNames<SectionKind>(),
        [nameof(Role)] = Enum.GetNames<Role>(),
        [nameof(WorkshopLength)] = Enum.GetNames<WorkshopLength>(),
        ["GoalMetric"] = Goal.Metrics,
        ["Tier"] = SegmentRow.Tiers,
        ["ActionStatus"] = ActionItem.Statuses,
        ["ResourceKind"] = ResourceItem.Kinds,
        ["RiskLevel"] = RiskItem.Levels,
        ["ExpectedKind"] = ["Linear", "Historical"],
        [nameof(QuotaSource)] = Enum.GetNames<QuotaSource>(),
        [nameof(Domain.TerritoryDesign.ScenarioScope)] = Enum.GetNames<Domain.TerritoryDesign.ScenarioScope>(),
        [nameof(Domain.TerritoryDesign.WorkloadMeasure)] = Enum.GetNames<Domain.TerritoryDesign.WorkloadMeasure>(),
        [nameof(Domain.TerritoryDesign.ScenarioCentres)] = Enum.GetNames<Domain.TerritoryDesign.ScenarioCentres>(),
        [nameof(Domain.TerritoryDesign.ScenarioStatus)] = Enum.GetNames<Domain.TerritoryDesign.ScenarioStatus>(),
    };

    private static void AddList(IDictionary<string, IOpenApiSchema> schemas, string values) =>
        schemas.TryAdd(values, new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = Lists[values].Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
        });

    private static bool IsListReference(IOpenApiSchema? property, string values) => property switch
    {
        OpenApiSchemaReference { Reference.Id: var id } => id == values,
        OpenApiSchema { OneOf: { Count: > 0 } options } => options.Any(o => o is OpenApiSchemaReference { Reference.Id: var id } && id == values)
            && options.All(o => o is OpenApiSchemaReference || o is OpenApiSchema { Type: JsonSchemaType.Null }),
        _ => false,
    };

    /// <summary>The enum's own schema, made by the generator, holds exactly the names of the list.</summary>
    private static void EnsureList(IDictionary<string, IOpenApiSchema> schemas, string values, string schemaName, string property)
    {
        AddList(schemas, values);
        var names = (schemas[values] as OpenApiSchema)?.Enum?.Select(v => v?.GetValue<string>()).ToList() ?? [];
        if (!names.SequenceEqual(Lists[values]))
        {
            throw new InvalidOperationException($"{schemaName}.{property} refers to {values}, whose values are not {string.Join(", ", Lists[values])}.");
        }
    }

    private static void DescribeClosedLists(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        foreach (var (schemaName, property, values) in ClosedLists)
        {
            if (!schemas.TryGetValue(schemaName, out var found) || found is not OpenApiSchema schema
                || schema.Properties?.TryGetValue(property, out var current) != true)
            {
                throw new InvalidOperationException($"The OpenAPI document has no {schemaName}.{property}: update {nameof(OpenApiSetup)}.{nameof(ClosedLists)}.");
            }

            // A property typed with the enum itself is already a reference to the enum's schema, which the generator
            // names after the enum: it is the closed list, provided it holds the same names.
            if (IsListReference(current, values))
            {
                EnsureList(schemas, values, schemaName, property);
                continue;
            }

            if (current is not OpenApiSchema field)
            {
                throw new InvalidOperationException($"{schemaName}.{property} refers to another schema than {values}: update {nameof(OpenApiSetup)}.{nameof(ClosedLists)}.");
            }

            AddList(schemas, values);
            IOpenApiSchema reference = new OpenApiSchemaReference(values, document);
            schema.Properties[property] = field.Type?.HasFlag(JsonSchemaType.Null) == true
                ? new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, reference], Description = field.Description }
                : reference;
        }

        var operations = document.Paths.Values.SelectMany(p => p.Operations ?? []).Select(o => o.Value).ToList();
        foreach (var (operationId, name, values) in ClosedParameters)
        {
            var parameter = operations.Where(o => o.OperationId == operationId).SelectMany(o => o.Parameters ?? []).OfType<OpenApiParameter>()
                .SingleOrDefault(p => p.Name == name && p.In == ParameterLocation.Query)
                ?? throw new InvalidOperationException($"The OpenAPI document has no query parameter {name} on {operationId}: update {nameof(OpenApiSetup)}.{nameof(ClosedParameters)}.");
            AddList(schemas, values);
            parameter.Schema = new OpenApiSchemaReference(values, document);
        }
    }
}
