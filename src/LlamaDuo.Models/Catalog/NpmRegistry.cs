using System.Diagnostics;

namespace LlamaDuo.Models.Catalog;

/// <summary>Which npm registry to download packages from: $NPM_CONFIG_REGISTRY, else `npm config get registry`, else npmjs.org.</summary>
public static class NpmRegistry
{
    public const string Default = "https://registry.npmjs.org/";

    public static string Resolve()
    {
        var fromEnv = Environment.GetEnvironmentVariable("NPM_CONFIG_REGISTRY") ?? Environment.GetEnvironmentVariable("npm_config_registry");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv.Trim();
        return FromNpmCli() ?? Default;
    }

    // npm may be absent; any failure falls back to the default registry.
    private static string? FromNpmCli()
    {
        try
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "config get registry")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (npm is null) return null;
            var output = npm.StandardOutput.ReadToEnd().Trim();
            if (!npm.WaitForExit(10_000)) { npm.Kill(); return null; }
            return npm.ExitCode == 0 && Uri.TryCreate(output, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http") ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
