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

    // LLamaSharp keeps the adapter's native pointer internal and does not check it after llama_adapter_lora_init, which
    // returns null for a file it rejects; applying such an adapter would crash the process, so look at it here.
    static readonly System.Reflection.PropertyInfo AdapterPointer =
        typeof(LoraAdapter).GetProperty("Pointer", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
        ?? throw new MissingMemberException(nameof(LoraAdapter), "Pointer");

    /// <summary>True when llama.cpp refused the adapter file (LLamaSharp then holds a null native pointer).</summary>
    public static bool IsNull(LoraAdapter adapter) => (IntPtr)AdapterPointer.GetValue(adapter)! == IntPtr.Zero;

    public static void Check(DecodeResult result, string model)
    {
        if (result != DecodeResult.Ok)
            throw new InvalidOperationException($"llama.cpp decode failed with {result} on {model}. {LastError}");
    }
}
