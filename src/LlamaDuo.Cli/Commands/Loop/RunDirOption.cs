using LlamaDuo.Core.Errors;

namespace LlamaDuo.Cli.Commands.Loop;

/// <summary>
/// The run folder a command was given (--run-dir, --dir), checked before anything is read or started: a file in its
/// place, or a folder that cannot be written, is bad input naming the option, not an exception from deep inside.
/// </summary>
static class RunDirOption
{
    /// <summary>Throws unless <paramref name="dir"/> is (or can be made) a writable folder; with <paramref name="mustExist"/> it must be there already.</summary>
    public static void Check(string dir, string option, bool mustExist = false)
    {
        var full = Path.GetFullPath(dir);
        if (File.Exists(full))
            throw new InputException("is a file, not a folder: pass a folder for the run (it is created if missing)", field: option, value: dir);
        if (mustExist && !Directory.Exists(full))
            throw new InputException("no such run folder: pass the folder of the run to continue", field: option, value: dir);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".llamaduo-write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot be created or written ({e.Message}): pass a folder you can write to", field: option, value: dir);
        }
    }
}
