using System.Text;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.LlamaCpp.Tests.Support;
using Microsoft.Extensions.AI;

namespace LlamaDuo.LlamaCpp.Tests.Engine;

/// <summary>The llama.cpp engine through IChatClient and the batched generator, on stories15M exported to GGUF (f16).</summary>
[Collection(Stories15MCollection.Name)]
public sealed class LlamaCppChatClientTests(Stories15MFixture fixture)
{
    static ChatMessage[] Ask(string text) => [new(ChatRole.User, text)];

    [Fact]
    public async Task Greedy_completion_continues_the_prompt_with_usage_and_length_finish()
    {
        using var client = LlamaCppChatClient.Open(fixture.GgufPath(GgufQuant.F16));
        Assert.Equal("plain", client.Template.Name);
        var response = await client.GetResponseAsync(Ask("Once upon a time"), new ChatOptions { MaxOutputTokens = 20, Temperature = 0 });
        Assert.StartsWith(", there was a little girl named Lily", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(20, response.Usage!.OutputTokenCount);
        Assert.Equal(5, response.Usage.InputTokenCount); // BOS + "Once upon a time"
    }

    [Fact]
    public async Task Streaming_gives_the_same_text_as_a_plain_call_then_usage()
    {
        using var client = LlamaCppChatClient.Open(fixture.GgufPath(GgufQuant.F16));
        var options = new ChatOptions { MaxOutputTokens = 30, Temperature = 0.9f, TopP = 0.95f, TopK = 40, Seed = 4 };
        var plain = await client.GetResponseAsync(Ask("The dog"), options);
        var streamed = new StringBuilder();
        UsageDetails? usage = null;
        int updates = 0;
        await foreach (var update in client.GetStreamingResponseAsync(Ask("The dog"), options))
        {
            streamed.Append(update.Text);
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            updates++;
        }
        Assert.Equal(plain.Text, streamed.ToString());
        Assert.True(updates > 5);
        Assert.Equal(plain.Usage!.OutputTokenCount, usage!.OutputTokenCount);
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_text_before_it()
    {
        using var client = LlamaCppChatClient.Open(fixture.GgufPath(GgufQuant.F16));
        var response = await client.GetResponseAsync(Ask("Once upon a time"), new ChatOptions { MaxOutputTokens = 40, StopSequences = ["Lily"] });
        Assert.Equal(", there was a little girl named ", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Seeds_make_sampling_repeatable()
    {
        using var client = LlamaCppChatClient.Open(fixture.GgufPath(GgufQuant.F16));
        ChatOptions Options(long seed) => new() { MaxOutputTokens = 24, Temperature = 1f, Seed = seed };
        var a = await client.GetResponseAsync(Ask("Once upon a time"), Options(1));
        var b = await client.GetResponseAsync(Ask("Once upon a time"), Options(1));
        var texts = new HashSet<string>();
        for (int seed = 2; seed < 6; seed++) texts.Add((await client.GetResponseAsync(Ask("Once upon a time"), Options(seed))).Text);
        Assert.Equal(a.Text, b.Text);
        Assert.True(texts.Count > 1);
    }

    [Fact]
    public void Eight_sequences_in_one_batch_give_what_each_gives_alone()
    {
        using var llama = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        string[] prompts = ["Once upon a time", "Tom had a", "The sun", "A big dog ran to the", "Sue", "Max and Mia went", "It was a cold day. The", "Birds"];
        var ids = prompts.Select(p => llama.Tokenize(p, addBos: true)).ToArray();
        var request = new LlamaCppRequest(24, new LlamaCppSampling());
        using var single = new LlamaCppGenerator(llama, 256);
        using var batched = new LlamaCppGenerator(llama, 256, sequences: 8);
        var alone = ids.Select(p => single.Generate([p], request)[0].Tokens).ToList();
        var together = batched.Generate(ids, request).Select(c => c.Tokens).ToList();
        Assert.Equal(alone, together);
    }

    [Fact]
    public void Generation_stops_where_a_story_ends_with_bos_as_in_our_engine()
    {
        // llama2.c models separate stories with BOS; the export marks it as end of turn so llama.cpp stops there.
        using var llama = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F32));
        Assert.True(llama.IsEndOfGeneration(1));
        using var generator = new LlamaCppGenerator(llama, 256);
        var tokens = llama.Tokenize("Once upon a time", addBos: true);
        var theirs = generator.Generate([tokens], new LlamaCppRequest(250, new LlamaCppSampling()))[0];
        var ours = new Torch.Generation.TextGenerator(fixture.Model).Generate([tokens], new Torch.Generation.GenerationOptions { MaxNewTokens = 250 })[0];
        Assert.Equal("stop", theirs.FinishReason);
        Assert.Equal(ours.TokenIds, theirs.Tokens);
    }

    [Fact]
    public void A_prompt_longer_than_the_context_is_an_input_error()
    {
        using var llama = LlamaCppModel.Load(fixture.GgufPath(GgufQuant.F16));
        using var generator = new LlamaCppGenerator(llama, 64);
        var tokens = Enumerable.Repeat(300, 80).ToList();
        Assert.Throws<InputException>(() => generator.Generate([tokens], new LlamaCppRequest(4, new LlamaCppSampling())));
    }

    [Fact]
    public void The_export_records_tokenizer_and_template_metadata()
    {
        var file = GgufReader.Read(fixture.GgufPath(GgufQuant.Q8_0));
        Assert.Equal("llama", file.Metadata["tokenizer.ggml.model"]);
        Assert.Equal("<0x0A>", ((object[])file.Metadata["tokenizer.ggml.tokens"])[13]);
        Assert.Equal(6, ((object[])file.Metadata["tokenizer.ggml.token_type"])[13]);
        Assert.Equal("plain", file.Metadata[StudentModelExport.TemplateNameKey]);
        Assert.Contains("message['content']", (string)file.Metadata["tokenizer.chat_template"]);
        Assert.Equal(7u, file.Metadata["general.file_type"]);
        Assert.Equal(GgufTensorType.F32, file.Tensors.Single(t => t.Name == "blk.0.attn_norm.weight").Type);
        Assert.Equal(GgufTensorType.Q8_0, file.Tensors.Single(t => t.Name == "blk.0.attn_q.weight").Type);
        Assert.DoesNotContain(file.Tensors, t => t.Name == "output.weight"); // stories15M ties its classifier
    }

    [Fact]
    public void Loading_a_file_that_is_not_gguf_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.gguf");
        File.WriteAllText(path, "hello");
        try
        {
            var e = Assert.Throws<InputException>(() => LlamaCppModel.Load(path));
            Assert.Contains(path, e.Message);
        }
        finally { File.Delete(path); }
    }
}
