using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// The OpenAPI document is the contract: a C# client generated from the running app's document with Kiota (the local
/// dotnet tool in dotnet-tools.json), at test time and never from a committed copy, walks the main journeys
/// (ClientJourneys/Journeys.cs) with nothing written by hand but the journeys themselves. The journeys are compiled here,
/// with the generated code, so a document that stops describing the API fails this test, by a compile error naming the
/// missing or changed type, or by an assertion.
/// </summary>
public sealed class GeneratedClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_generated_from_the_document_walks_the_main_journeys()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var document = await admin.GetStringAsync("/openapi/v1.json", Ct);

        var client = await GeneratedClient.BuildAsync(document, Ct);

        var run = client.GetType("Terrain.ClientJourneys.Journeys")?.GetMethod("RunAsync")
            ?? throw new InvalidOperationException("Journeys.RunAsync is missing.");
        await (Task)run.Invoke(null, [app.Anonymous(), TestOrg.Password, Ct])!;
    }

    /// <summary>Kiota, then Roslyn: the generated client and the journeys as one in-memory assembly.</summary>
    private static class GeneratedClient
    {
        public static async Task<Assembly> BuildAsync(string document, CancellationToken ct)
        {
            var work = Directory.CreateTempSubdirectory("terrain-client-");
            try
            {
                var documentPath = Path.Combine(work.FullName, "openapi.json");
                await File.WriteAllTextAsync(documentPath, document, ct);
                var output = Path.Combine(work.FullName, "client");
                var root = RepositoryRoot();
                await DotnetAsync(root, ct, "tool", "restore");
                await DotnetAsync(root, ct, "kiota", "generate", "--language", "CSharp", "--openapi", documentPath, "--output", output,
                    "--namespace-name", "Terrain.Client", "--class-name", "TerrainClient", "--exclude-backward-compatible", "--log-level", "Warning");

                var journeys = Path.Combine(AppContext.BaseDirectory, "Api", "ClientJourneys");
                var sources = Directory.EnumerateFiles(output, "*.cs", SearchOption.AllDirectories)
                    .Concat(Directory.EnumerateFiles(journeys, "*.cs"));
                return Compile(sources);
            }
            finally
            {
                work.Delete(recursive: true);
            }
        }

        private static Assembly Compile(IEnumerable<string> sources)
        {
            // Kiota writes nullable annotations for .NET Core 3.1 and later, behind these symbols.
            var parse = new CSharpParseOptions(LanguageVersion.Latest,
                preprocessorSymbols: ["NET", "NETCOREAPP", "NETCOREAPP3_1_OR_GREATER", "NETSTANDARD2_1_OR_GREATER", "NET5_0_OR_GREATER", "NET8_0_OR_GREATER"]);
            var trees = sources.Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parse, path)).ToList();
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
                .Split(Path.PathSeparator)
                .Where(IsManaged)
                .Select(path => MetadataReference.CreateFromFile(path));
            var compilation = CSharpCompilation.Create("Terrain.ClientJourneys", trees, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            using var assembly = new MemoryStream();
            var result = compilation.Emit(assembly, cancellationToken: Ct);
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(result.Success, "The journeys do not compile against the generated client:\n" + string.Join("\n", errors.Take(30)));
            assembly.Position = 0;
            return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(assembly);
        }

        private static bool IsManaged(string path)
        {
            try
            {
                AssemblyName.GetAssemblyName(path);
                return true;
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "dotnet-tools.json")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("No dotnet-tools.json above the test's folder: the Kiota tool cannot be found.");
        }

        private static async Task DotnetAsync(string directory, CancellationToken ct, params string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // Offline, quiet and without telemetry: CI has no internet, and the output is read only when something fails.
            start.Environment["KIOTA_OFFLINE_ENABLED"] = "true";
            start.Environment["KIOTA_TUTORIAL_ENABLED"] = "false";
            start.Environment["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            Assert.True(process.ExitCode == 0,
                $"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }
}
