using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace LlamaDuo.Tests.Shared;

/// <summary>
/// A real PostgreSQL server for the shared-store tests: a private cluster (initdb into a temporary folder, trust
/// authentication, loopback only, a free port) started once per test process from Debian's server binaries and
/// stopped when the process exits. With LLAMADUO_TEST_POSTGRES set to a connection string, that server is used
/// instead. Each caller gets a fresh database, so tests never see each other's rows.
/// </summary>
public sealed class PostgresServer
{
    static readonly Lazy<PostgresServer> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    readonly string _adminConnection;
    int _databases;

    PostgresServer(string adminConnection) => _adminConnection = adminConnection;

    /// <summary>The server of this test process (started on first use).</summary>
    public static PostgresServer Shared => Instance.Value;

    /// <summary>Creates an empty database and returns its connection string (no password: trust authentication).</summary>
    public string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}".ToLowerInvariant();
        using (var db = new NpgsqlConnection(_adminConnection))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE \"{name}\"";
            cmd.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(_adminConnection) { Database = name, Pooling = false }.ConnectionString;
    }

    static PostgresServer Start()
    {
        if (Environment.GetEnvironmentVariable("LLAMADUO_TEST_POSTGRES") is { Length: > 0 } given) return new PostgresServer(given);
        var bin = FindBinaries();
        RemoveStoppedClusters();
        var root = Directory.CreateTempSubdirectory("llamaduo-pg-").FullName;
        var data = Path.Combine(root, "data");
        // The server refuses to run as root; under root (CI containers) it runs as Debian's postgres user.
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", ["-R", "postgres:postgres", root]);
        var port = FreePort();
        Run(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"], asRoot);
        Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o",
            $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "start"], asRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], asRoot);
                Directory.Delete(root, recursive: true);
            }
            catch (Exception) { /* best effort at exit: a leftover temp folder is harmless */ }
        };
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=30");
    }

    /// <summary>Folders of earlier test processes whose server is stopped (no postmaster.pid) but whose exit did not get to delete them.</summary>
    static void RemoveStoppedClusters()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "llamaduo-pg-*"))
            if (!File.Exists(Path.Combine(dir, "data", "postmaster.pid")) && Directory.GetCreationTimeUtc(dir) < DateTime.UtcNow.AddMinutes(-1))
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static string FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        var bin = versions.Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var n) ? n : 0).FirstOrDefault();
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql: ./test.sh installs Debian's postgresql package " +
            "(apt-get install postgresql), or set LLAMADUO_TEST_POSTGRES to a connection string of a server to use");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static void Run(string file, string[] args, bool asPostgresUser = false)
    {
        var psi = new ProcessStartInfo(asPostgresUser ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgresUser) foreach (var a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{file} did not finish in 120 s"); }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({p.ExitCode}): {stdout.Result}{stderr.Result}");
    }
}
