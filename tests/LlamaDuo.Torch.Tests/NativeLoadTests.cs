using TorchSharp;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests;

public class NativeLoadTests
{
    [Fact]
    public void LibTorch_loads_and_computes()
    {
        try
        {
            using var a = ones(2, 3);
            using var b = ones(3, 2);
            using var c = a.matmul(b);
            Assert.Equal(3f, c[0, 0].item<float>());
        }
        catch (TypeInitializationException e)
        {
            Assert.Fail("libtorch could not be loaded. On Debian 12 libLibTorchSharp.so needs the ELF version fix in "
                + "build/TorchSharpNativeFix.targets (GLIBCXX_3.4.32 marked weak); check it ran after build and that "
                + $"the TorchSharp version still needs only that. Inner error: {e.InnerException?.Message ?? e.Message}");
        }
    }
}
