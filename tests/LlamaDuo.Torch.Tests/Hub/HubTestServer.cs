using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LlamaDuo.Torch.Tests.Hub;

/// <summary>
/// A loopback server with the hub's endpoints (revision API with ?blobs=true, resolve downloads with Range) serving
/// repositories from local folders; it records every request and can break one download half-way.
/// </summary>
public sealed class HubTestServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Dictionary<string, (string Folder, string Commit)> repos = new();
    private readonly Task loop;

    public HubTestServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(Endpoint + "/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    /// <summary>Every request: path, Range header, Authorization header.</summary>
    public ConcurrentQueue<(string Path, string? Range, string? Authorization)> Requests { get; } = new();

    /// <summary>When set, the next download of this file is cut after this many bytes (once).</summary>
    public (string File, long Bytes)? DropOnce { get; set; }

    public IEnumerable<string> FileRequests => Requests.Select(r => r.Path).Where(p => p.Contains("/resolve/"));

    /// <summary>Serves <paramref name="folder"/> as repository "models/owner/name" or "datasets/owner/name".</summary>
    public string AddRepo(string kindAndId, string folder)
    {
        var commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(kindAndId + folder)));
        repos[kindAndId] = (folder, commit);
        return commit;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await listener.GetContextAsync(); } catch { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private void Handle(HttpListenerContext ctx)
    {
        var path = ctx.Request.Url!.AbsolutePath;
        Requests.Enqueue((path, ctx.Request.Headers["Range"], ctx.Request.Headers["Authorization"]));
        try
        {
            var parts = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
            if (parts is ["api", var kind, var owner, var name, "revision", _, ..] && repos.TryGetValue($"{kind}/{owner}/{name}", out var repo))
                WriteJson(ctx, Info($"{owner}/{name}", repo.Folder, repo.Commit));
            else if (TryResolve(parts, out var file)) ServeFile(ctx, file!);
            else { ctx.Response.StatusCode = 404; ctx.Response.Close(); }
        }
        catch (Exception) { try { ctx.Response.Abort(); } catch { } }
    }

    private bool TryResolve(string[] parts, out string? file)
    {
        file = null;
        var kind = parts.Length > 0 && parts[0] == "datasets" ? "datasets" : "models";
        var rest = kind == "datasets" ? parts[1..] : parts;
        if (rest.Length < 5 || rest[2] != "resolve" || !repos.TryGetValue($"{kind}/{rest[0]}/{rest[1]}", out var repo)) return false;
        file = Path.Combine(repo.Folder, Path.Combine(rest[4..]));
        return File.Exists(file);
    }

    private void ServeFile(HttpListenerContext ctx, string file)
    {
        var bytes = File.ReadAllBytes(file);
        long start = 0;
        var range = ctx.Request.Headers["Range"];
        if (range is not null && range.StartsWith("bytes=") && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1]);
            ctx.Response.StatusCode = 206;
            ctx.Response.Headers["Content-Range"] = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
        }
        ctx.Response.ContentLength64 = bytes.Length - start;
        var drop = DropOnce;
        if (drop is { } d && Path.GetFileName(file) == d.File)
        {
            DropOnce = null;
            ctx.Response.OutputStream.Write(bytes, (int)start, (int)d.Bytes);
            ctx.Response.OutputStream.Flush();
            ctx.Response.Abort();   // the connection goes away mid-body
            return;
        }
        ctx.Response.OutputStream.Write(bytes, (int)start, bytes.Length - (int)start);
        ctx.Response.Close();
    }

    private static JsonObject Info(string id, string folder, string commit)
    {
        var siblings = new JsonArray();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order())
        {
            var bytes = File.ReadAllBytes(file);
            var entry = new JsonObject
            {
                ["rfilename"] = Path.GetRelativePath(folder, file).Replace('\\', '/'),
                ["size"] = bytes.Length,
                ["blobId"] = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes])),
            };
            if (file.EndsWith(".safetensors") || file.EndsWith(".parquet"))
                entry["lfs"] = new JsonObject { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)), ["size"] = bytes.Length };
            siblings.Add(entry);
        }
        return new JsonObject { ["id"] = id, ["sha"] = commit, ["siblings"] = siblings };
    }

    private static void WriteJson(HttpListenerContext ctx, JsonObject json)
    {
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength64 = bytes.Length;
        ctx.Response.OutputStream.Write(bytes);
        ctx.Response.Close();
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(TimeSpan.FromSeconds(2)); } catch { }
    }
}
