using LLama.Native;

namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// One-time set-up of the native llama.cpp library: its log goes nowhere except the last error, which is kept to
/// explain a failed load (llama.cpp otherwise prints hundreds of lines per model to stderr).
/// </summary>
static class LlamaCppNative
{
    static readonly object Gate = new();
    static bool _configured;

    /// <summary>The last error line llama.cpp logged, or an empty string.</summary>
    public static string LastError { get; private set; } = "";

    public static void EnsureConfigured()
    {
        lock (Gate)
        {
            if (_configured) return;
            NativeLibraryConfig.All.WithLogCallback((level, message) =>
            {
                if (level == LLamaLogLevel.Error) LastError = message.Trim();
            });
            _configured = true;
        }
    }

    public static void Check(DecodeResult result, string model)
    {
        if (result != DecodeResult.Ok)
            throw new InvalidOperationException($"llama.cpp decode failed with {result} on {model}. {LastError}");
    }
}
