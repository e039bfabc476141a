using LlamaDuo.Core.Data;
using LlamaDuo.Torch.Generation;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Torch.Tests.Generation;

[Collection(Stories15MCollection.Name)]
public class TorchChatClientTests(Stories15MFixture fixture)
{
    [Fact]
    public async Task Response_follows_the_template_and_reports_usage()
    {
        using IChatClient client = new TorchChatClient(fixture.Model);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")],
            new ChatOptions { MaxOutputTokens = 12, Temperature = 0 });
        Assert.StartsWith(", there was a little girl named Lily", response.Text);
        Assert.Equal(5, response.Usage!.InputTokenCount);
        Assert.Equal(12, response.Usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task Streaming_yields_the_same_text_and_usage()
    {
        using IChatClient client = new TorchChatClient(fixture.Model);
        var options = new ChatOptions { MaxOutputTokens = 30, StopSequences = ["sunshine"] };
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")], options))
            updates.Add(u);
        var whole = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")], options);
        Assert.True(updates.Count > 3);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.EndsWith("in the ", whole.Text);
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        Assert.Contains(updates.SelectMany(u => u.Contents), c => c is UsageContent);
    }

    [Fact]
    public void Batch_gives_K_samples_per_conversation()
    {
        using var client = new TorchChatClient(fixture.Model);
        var results = client.GenerateBatch([[ChatTurn.User("Once upon a time")], [ChatTurn.User("Tom had a dog")]],
            new GenerationOptions { MaxNewTokens = 8, Temperature = 0.8f, Seed = 1, SamplesPerPrompt = 3 });
        Assert.Equal(6, results.Count);
        Assert.Equal([0, 0, 0, 1, 1, 1], results.Select(r => r.PromptIndex));
        Assert.All(results, r => Assert.Equal(8, r.CompletionTokens));
    }
}
