using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Terrain.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the test's own, in a temporary folder on a free loopback port, for tests that restart or
/// stop the server (the shared one in TERRAIN_TEST_POSTGRES must stay up for everyone else). As root, the server runs
/// as the <c>postgres</c> user, which it requires. Without pg_ctl the test is skipped with the reason, and fails
/// under CI=true.
/// </summary>
public sealed class PrivatePostgres : IDisposable
{
    private readonly string _bin;
    private readonly string _root;

    private PrivatePostgres(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    private string Data => Path.Combine(_root, "data");

    /// <summary>Starts a fresh server, or skips the calling test (fails it under CI) when PostgreSQL is not installed.</summary>
    public static PrivatePostgres Start()
    {
        var bin = FindBin();
        if (bin is null)
        {
            const string reason = "PostgreSQL's pg_ctl is not installed under /usr/lib/postgresql/*/bin (Debian package postgresql).";
            if (Databases.InCi)
            {
                Assert.Fail($"CI=true but {reason}");
            }

            Assert.Skip(reason);
        }

        var root = Path.Combine(Path.GetTempPath(), $"terrain-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "sock"));
        if (Environment.IsPrivilegedProcess)
        {
            Run("chown", "-R", "postgres:postgres", root);
        }

        var server = new PrivatePostgres(bin, root, FreePort());
        try
        {
            server.Pg("initdb", "-D", server.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            server.Pg("pg_ctl", "-D", server.Data, "-l", Path.Combine(root, "log"), "-w", "-o",
                $"-c listen_addresses=127.0.0.1 -p {server.Port} -k {Path.Combine(root, "sock")} -c fsync=off", "start");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>What an operator's restart does: disconnects every session, stops, and starts again with the same options.</summary>
    public void Restart() => Pg("pg_ctl", "-D", Data, "-m", "fast", "-w", "restart");

    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(Data, "postmaster.pid")))
            {
                Pg("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private static string? FindBin()
    {
        const string installs = "/usr/lib/postgresql";
        if (!OperatingSystem.IsLinux() || !Directory.Exists(installs))
        {
            return null;
        }

        return Directory.GetDirectories(installs)
            .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
            .Where(x => File.Exists(Path.Combine(x.Bin, "pg_ctl")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Bin)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Pg(string tool, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        if (Environment.IsPrivilegedProcess)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. args]);
        }
        else
        {
            Run(path, args);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{output.Result}\n{errors.Result}");
        }
    }
}
