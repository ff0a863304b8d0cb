using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Features.Demo;
using Terrain.Features.ImportMappings;
using Terrain.Features.Imports;
using Terrain.Features.Users;

namespace Terrain.Infrastructure.Cli;

/// <summary>
/// The command line: serve (default), demo, migrate, users add, import, accounts place-by-zip. Every verb runs on the same host
/// as the web app, so configuration (--urls, ConnectionStrings__Terrain, ...) means the same everywhere.
/// </summary>
public static class TerrainCli
{
    public static Task<int> RunAsync(string[] args, CancellationToken ct = default)
    {
        var root = new RootCommand("Terrain: sales territory planning around each rep's own plan.");
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, ct) => ServeAsync(result.UnmatchedTokens.ToArray(), ct));

        var serve = new Command("serve", "Start the web server (the default). Pass --urls to choose where it listens.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        serve.SetAction((result, ct) => ServeAsync(result.UnmatchedTokens.ToArray(), ct));
        root.Add(serve);

        var reps = new Option<int>("--reps")
        {
            Description = $"Grow the demo to this many reps in teams of eight, for load tests ({DemoSeeder.StandardReps} to {DemoSeeder.MaxReps}).",
            DefaultValueFactory = _ => DemoSeeder.StandardReps,
        };
        reps.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < DemoSeeder.StandardReps or > DemoSeeder.MaxReps)
            {
                result.AddError($"--reps must be between {DemoSeeder.StandardReps} and {DemoSeeder.MaxReps}.");
            }
        });
        var demo = new Command("demo", "Start the server on a fresh demo database with a sample sales organisation.")
        {
            reps,
        };
        demo.TreatUnmatchedTokensAsErrors = false;
        demo.SetAction((result, ct) => DemoAsync(result.GetValue(reps), result.UnmatchedTokens.ToArray(), ct));
        root.Add(demo);

        var migrate = new Command("migrate", "Bring the database schema up to date, then exit.") { TreatUnmatchedTokensAsErrors = false };
        migrate.SetAction((result, ct) => MigrateAsync(result.UnmatchedTokens.ToArray(), ct));
        root.Add(migrate);

        root.Add(UsersCommand());
        root.Add(ImportCommand());
        root.Add(AccountsCommand());

        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        return root.Parse(args).InvokeAsync(config, ct);
    }

    private static async Task<int> ServeAsync(string[] args, CancellationToken ct)
    {
        await using var app = TerrainHost.Build(TerrainHost.CreateBuilder(args));
        await app.StartAsync(ct);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            if (!await db.Users.AnyAsync(ct))
            {
                Console.WriteLine("""

                    Terrain has no users yet. Create the first admin in another terminal:
                      terrain users add --email you@example.com --name "Your Name" --role Admin --password '<a strong password>'
                    (from source: dotnet run --project src/Terrain -- users add ...), then sign in.
                    To try Terrain with sample data instead, run: terrain demo

                    """);
            }
        }

        PrintUrls(app);
        await app.WaitForShutdownAsync(ct);
        return 0;
    }

    private static async Task<int> DemoAsync(int reps, string[] args, CancellationToken ct)
    {
        // The demo migrates and seeds before it starts, so the start-up migrator has nothing left to do.
        string[] demoArgs = [.. args, "--Terrain:DatabaseProvider=Sqlite", "--Terrain:SqliteFileName=demo.db", "--Terrain:MigrateOnStartup=false"];
        var builder = TerrainHost.CreateBuilder(demoArgs);
        var dataDirectory = builder.Configuration["Terrain:DataDirectory"] ?? "./data";
        Directory.CreateDirectory(dataDirectory);
        if (string.IsNullOrEmpty(builder.Configuration[KeyEncryption.PathKey]))
        {
            // Services are registered from the configuration as it is when the builder is made, so make it again
            // with the demo's own key-encryption certificate.
            builder = TerrainHost.CreateBuilder([.. demoArgs, $"--{KeyEncryption.PathKey}={KeyEncryption.EnsureDemoCertificate(dataDirectory)}"]);
        }
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path.Combine(dataDirectory, "demo.db" + suffix));
        }

        var app = TerrainHost.Build(builder);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await DatabaseSchema.UpdateAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
            var seeding = System.Diagnostics.Stopwatch.StartNew();
            var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();
            await seeder.SeedAsync(reps, ct);
            if (reps > DemoSeeder.StandardReps)
            {
                Console.WriteLine($"Seeded the demo organisation grown to {reps} reps in {seeding.Elapsed.TotalSeconds:0.0} s.");
            }
            else if (seeder.Actuals is { } year)
            {
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Seeded the demo organisation in {seeding.Elapsed.TotalSeconds:0.0} s, {seeder.LastYearTime.TotalSeconds:0.0} s of it last year's cycle and CRM data: {year.Opportunities:N0} opportunities over {year.Imports} weekly syncs, {year.Activities:N0} activities; {seeder.ReviewsTime.TotalSeconds:0.0} s its reviews."));
            }
        }

        await app.StartAsync(ct);
        PrintUrls(app);
        Console.WriteLine($"""
            Demo organisation ready ({Path.GetFullPath(Path.Combine(dataDirectory, "demo.db"))}). Sign in with any of these, password {DemoSeeder.Password}:
              admin@{DemoSeeder.Domain}      (Admin)
              leader@{DemoSeeder.Domain}     (Sales leader)
              manager1@{DemoSeeder.Domain}   (Manager of rep1-rep4)
              manager2@{DemoSeeder.Domain}   (Manager of rep5-rep8)
              rep1@{DemoSeeder.Domain} ... rep8@{DemoSeeder.Domain} (Reps)
            """);
        if (reps > DemoSeeder.StandardReps)
        {
            var lastManager = 2 + ((reps - DemoSeeder.StandardReps + DemoSeeder.RepsPerTeam - 1) / DemoSeeder.RepsPerTeam);
            Console.WriteLine($"""
                  manager3@{DemoSeeder.Domain} ... manager{lastManager}@{DemoSeeder.Domain} (Managers of eight reps each)
                  rep9@{DemoSeeder.Domain} ... rep{reps}@{DemoSeeder.Domain} (Reps)
                """);
        }

        Console.WriteLine("Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync(ct);
        return 0;
    }

    private static void PrintUrls(WebApplication app)
    {
        foreach (var url in app.Urls)
        {
            Console.WriteLine($"Terrain is listening on {url}");
        }
    }

    private static async Task<int> MigrateAsync(string[] args, CancellationToken ct)
    {
        await using var app = TerrainHost.Build(TerrainHost.CreateBuilder(args));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await DatabaseSchema.UpdateAsync(db, ct);
        await Features.Reviews.ReviewBackfill.RunAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct);
        Console.WriteLine(pending.Count == 0
            ? "The database is already up to date."
            : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}");
        return 0;
    }

    private static Command UsersCommand()
    {
        var users = new Command("users", "Manage users.");
        var email = new Option<string>("--email") { Description = "The user's email (their sign-in).", Required = true };
        var name = new Option<string>("--name") { Description = "The display name.", Required = true };
        var role = new Option<string>("--role") { Description = "Admin, Leader, Manager or Rep.", Required = true };
        var manager = new Option<string?>("--manager") { Description = "The manager's email (required for a rep)." };
        var password = new Option<string?>("--password")
        {
            Description = "The initial password (12+ characters, upper, lower and a digit). Or set TERRAIN_PASSWORD. "
                + "Without one the user is invited to set their own: by email when mail is configured, otherwise the link is printed.",
        };
        var add = new Command("add", "Create a user, with a password or an invitation to set one.") { email, name, role, manager, password };
        add.TreatUnmatchedTokensAsErrors = false;
        add.SetAction(async (result, ct) =>
        {
            var secret = result.GetValue(password) ?? Environment.GetEnvironmentVariable("TERRAIN_PASSWORD");
            await using var app = TerrainHost.Build(TerrainHost.CreateBuilder(result.UnmatchedTokens.ToArray()));
            await using var scope = app.Services.CreateAsyncScope();
            await DatabaseSchema.UpdateAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
            var (user, invitation, errors) = await scope.ServiceProvider.GetRequiredService<CreateUser>().HandleWithInvitationAsync(new CreateUser.Input
            {
                Email = result.GetRequiredValue(email),
                DisplayName = result.GetRequiredValue(name),
                Role = result.GetRequiredValue(role),
                ManagerEmail = result.GetValue(manager),
                Password = secret,
            }, null, ct);
            if (user is null)
            {
                foreach (var (field, messages) in errors)
                {
                    Console.Error.WriteLine($"--{(field == "displayName" ? "name" : field == "managerEmail" ? "manager" : field)}: {string.Join(" ", messages)}");
                }

                Console.Error.WriteLine("The user was not created. Fix the value above and run the command again.");
                return 1;
            }

            Console.WriteLine($"Created {user.Role} {user.Email} ({user.DisplayName}).");
            if (invitation is { Emailed: true })
            {
                Console.WriteLine($"Emailed them an invitation to set their password, valid until {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC.");
            }
            else if (invitation is { Link: { } link })
            {
                Console.WriteLine($"Send them this invitation link to set their password; it works once, until {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC:");
                Console.WriteLine(link.StartsWith('/') ? $"  <Terrain's address>{link}   (set Terrain:PublicUrl to print the full address)" : $"  {link}");
            }

            return 0;
        });
        users.Add(add);
        return users;
    }

    private static Command AccountsCommand()
    {
        var accounts = new Command("accounts", "Work on the accounts.");
        var place = new Command("place-by-zip", "Place the accounts stored without coordinates at their US ZIP code's centre (approximate), as an import does. Safe to run again.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        place.SetAction(async (result, ct) =>
        {
            await using var app = TerrainHost.Build(TerrainHost.CreateBuilder(result.UnmatchedTokens.ToArray()));
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await DatabaseSchema.UpdateAsync(db, ct);
            var outcome = await Features.Territory.ZipPlacement.PlaceAsync(db, null, scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct);
            Console.WriteLine($"Placed {outcome.Placed} account(s) by ZIP code; {outcome.StillWithoutPlace} still without a place.");
            return 0;
        });
        accounts.Add(place);
        return accounts;
    }

    private static Command ImportCommand()
    {
        var import = new Command("import", "Import users, accounts, opportunities, activities, bookings or revenue splits from a CSV file (see docs/import-formats.md).");
        foreach (var kind in Enum.GetValues<ImportKind>())
        {
            var file = new Argument<FileInfo>("file") { Description = "The CSV file." };
            var partial = new Option<bool>("--partial") { Description = "Import the good rows even when some are rejected." };
            var full = new Option<bool>("--full") { Description = "The file is a full extract: opportunities missing from it are marked deleted." };
            var mapping = new Option<string?>("--mapping") { Description = "Read the file by this saved mapping (its name or id) instead of recognising its layout." };
            var command = new Command(kind.ToString().ToLowerInvariant(), $"Import {kind.ToString().ToLowerInvariant()} from CSV.") { file, partial };
            if (kind == ImportKind.Opportunities)
            {
                command.Add(full);
            }

            if (ImportMapping.Mappable(kind))
            {
                command.Add(mapping);
            }

            command.TreatUnmatchedTokensAsErrors = false;
            command.SetAction((result, ct) => ImportAsync(kind, result.GetRequiredValue(file), result.GetValue(partial),
                kind == ImportKind.Opportunities && result.GetValue(full), ImportMapping.Mappable(kind) ? result.GetValue(mapping) : null,
                result.UnmatchedTokens.ToArray(), ct));
            import.Add(command);
        }

        return import;
    }

    private static async Task<int> ImportAsync(ImportKind kind, FileInfo file, bool partial, bool full, string? mappingName, string[] args, CancellationToken ct)
    {
        if (!file.Exists)
        {
            Console.Error.WriteLine($"No file at {file.FullName}.");
            return 2;
        }

        await using var app = TerrainHost.Build(TerrainHost.CreateBuilder(args));
        await using var scope = app.Services.CreateAsyncScope();
        await DatabaseSchema.UpdateAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);

        // The file is queued as a job held for this process, which then runs it as any instance's worker would: the
        // same claim (one running import per kind across all instances), heartbeat and history.
        var worker = app.Services.GetRequiredService<ImportWorker>();
        var jobs = scope.ServiceProvider.GetRequiredService<ImportJobs>();
        Guid? mappingId;
        try
        {
            // The command line acts as an admin would; the mapping is looked up here so that a typo is told before any work.
            mappingId = (await ImportMappingHandlers.ResolveAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), mappingName, kind, ct))?.Id;
        }
        catch (DomainException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        if (await jobs.KindMismatchAsync(kind, file.FullName, mappingId, ct) is { } mismatch)
        {
            Console.Error.WriteLine($"{mismatch} Nothing was imported.");
            return 2;
        }

        var job = await jobs.QueueAsync(kind, partial, full, file.Name, file.FullName, ownsFile: false, file.Length, null, worker.Instance, mappingId, ct);
        var waiting = (string message) => Console.WriteLine(message);
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
            {
                var task = context.AddTask($"Importing {kind.ToString().ToLowerInvariant()}", maxValue: 100);
                var progress = new Progress<ImportJobProgress>(p =>
                {
                    task.Description = $"{p.Phase} {kind.ToString().ToLowerInvariant()} ({p.RowsRead:N0} rows)";
                    task.Value = p.Percent;
                });
                waiting = message => task.Description = message;
                await worker.RunHeldAsync(job.Id, kind, progress, waiting, ct);
                task.Value = task.MaxValue;
            });
        }
        else
        {
            var lastPhase = "";
            var progress = new Progress<ImportJobProgress>(p =>
            {
                if (p.Phase != lastPhase)
                {
                    lastPhase = p.Phase;
                    Console.WriteLine($"{p.Phase}...");
                }
            });
            await worker.RunHeldAsync(job.Id, kind, progress, waiting, ct);
        }

        var done = (await jobs.GetAsync(job.Id, ct))!;
        if (done.Report is not { } report)
        {
            Console.Error.WriteLine($"The import failed; nothing was changed. {done.FailureReason}");
            return 1;
        }

        Console.WriteLine($"{report.RowsRead} rows read: {report.Created} created, {report.Updated} updated, {report.Unchanged} unchanged, {report.Rejected.Count} rejected.");
        if (kind == ImportKind.Opportunities)
        {
            Console.WriteLine($"Layout: {report.Layout ?? "not recognised"}; {report.Deleted} marked deleted; {report.UnmatchedAccounts} account name(s) matched no account.");
        }
        else if (report.Layout is { } layout)
        {
            Console.WriteLine($"Layout: {layout}.");
        }

        if (ImportMapping.Mappable(kind) && report.IgnoredColumns.Count > 0)
        {
            Console.WriteLine($"Ignored columns: {string.Join(", ", report.IgnoredColumns)}.");
        }

        foreach (var issue in report.Rejected)
        {
            Console.Error.WriteLine($"  line {issue.Line}{(issue.Column is null ? "" : $", {issue.Column}")}: {issue.Reason}");
        }

        if (!report.Applied)
        {
            Console.Error.WriteLine("Nothing was imported. Fix the rows above and run the import again, or pass --partial to import the good rows.");
            return 1;
        }

        return 0;
    }
}
