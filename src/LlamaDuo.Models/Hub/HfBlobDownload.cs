using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace LlamaDuo.Models.Hub;

/// <summary>
/// Downloads one blob resumably: bytes go to <c>{blob}.incomplete</c>, a broken transfer continues with an HTTP Range
/// request (here, or in a later process), and the file is renamed into place only once its size (and sha256, for LFS
/// files whose ETag is one) checks out.
/// </summary>
internal static class HfBlobDownload
{
    const int Attempts = 4;

    public static async Task FetchAsync(HttpClient http, Uri url, string blob, long? size, string? sha256, TextWriter? log, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        var partial = blob + ".incomplete";
        for (int attempt = 1; ; attempt++)
        {
            long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            if (size is long expected && have > expected) { File.Delete(partial); have = 0; }
            try
            {
                if (size is not long known || have < known) await AppendAsync(http, url, partial, have, ct);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && attempt < Attempts && !ct.IsCancellationRequested)
            {
                log?.WriteLine($"hf: transfer of {url.AbsolutePath} broke after {new FileInfo(partial).Length} bytes ({e.Message}); resuming");
                continue;
            }
            long got = new FileInfo(partial).Length;
            if (size is long want && got != want)
            {
                if (attempt < Attempts) continue;
                throw new IOException($"download of {url} ended at {got} of {want} bytes");
            }
            if (sha256 is not null && !string.Equals(HashOf(partial), sha256, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(partial);
                throw new InvalidDataException($"download of {url} does not match its sha256 {sha256}; the partial file was removed, run again");
            }
            File.Move(partial, blob, overwrite: true);
            return;
        }
    }

    static async Task AppendAsync(HttpClient http, Uri url, string partial, long have, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) { File.Delete(partial); throw new IOException("server refused the resume range; starting over"); }
        response.EnsureSuccessStatusCode();
        // A server that ignores Range answers 200 with the whole file: start over rather than append it twice.
        var mode = have > 0 && response.StatusCode == HttpStatusCode.PartialContent ? FileMode.Append : FileMode.Create;
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await using var file = new FileStream(partial, mode, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await body.CopyToAsync(file, ct);
    }

    static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
