using LlamaDuo.Cli.Commands.Serve;

namespace LlamaDuo.Server.Tests;

/// <summary>The temporary-model folders of `serve`: a live server's folder is kept, a dead one's is deleted.</summary>
public sealed class ServeTempFolderTests
{
    [Fact]
    public void A_folder_whose_lock_nobody_holds_is_deleted_and_a_held_one_is_kept()
    {
        var root = Directory.CreateTempSubdirectory("llamaduo-serve-test-").FullName;
        try
        {
            using var live = ServeTempFolder.Create(root);
            File.WriteAllText(Path.Combine(live.Path, "model.gguf"), "weights");
            // What a killed server leaves: its folder and an unlocked lock file.
            var dead = Path.Combine(root, "12345-dead");
            Directory.CreateDirectory(dead);
            File.WriteAllText(Path.Combine(dead, "model.gguf"), "weights");
            File.WriteAllText(dead + ".lock", "");

            using (var other = ServeTempFolder.Create(root))
            {
                Assert.False(Directory.Exists(dead));
                Assert.False(File.Exists(dead + ".lock"));
                Assert.True(File.Exists(Path.Combine(live.Path, "model.gguf")));
                Assert.True(Directory.Exists(other.Path));
            }
            Assert.Equal(0, ServeTempFolder.DeleteAbandoned(root));
            Assert.Equal([live.Path], Directory.GetDirectories(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
