using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlamaDuo.Core.Data;
using LlamaDuo.Torch.Loading;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Torch.Generation;

/// <summary>
/// Our TorchSharp model behind <see cref="IChatClient"/>: messages are rendered with the model's chat template,
/// ChatOptions map to <see cref="GenerationOptions"/> (Temperature, TopP, TopK, Seed, MaxOutputTokens,
/// StopSequences; unset temperature means greedy), and usage counts come back. One generation runs at a time.
/// </summary>
public sealed class TorchChatClient : IChatClient
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly bool ownsModel;

    public TorchChatClient(StudentModel model, GenerationOptions? defaults = null, bool ownsModel = false)
    {
        Generator = new TextGenerator(model);
        Defaults = defaults ?? new GenerationOptions();
        this.ownsModel = ownsModel;
        Metadata = new ChatClientMetadata("llamaduo-torch", defaultModelId: model.Source);
    }

    public TextGenerator Generator { get; }

    /// <summary>Options used where ChatOptions leave a value unset.</summary>
    public GenerationOptions Defaults { get; }

    public ChatClientMetadata Metadata { get; }

    /// <summary>The prompt text for a conversation: the template's rendering, ending where the assistant reply begins.</summary>
    public string RenderPrompt(IEnumerable<ChatTurn> turns)
        => string.Concat(Generator.Model.Template.Render(turns.ToList(), addGenerationPrompt: true).Select(s => s.Text));

    /// <summary>ChatOptions layered over <see cref="Defaults"/>, with the template's stop strings added.</summary>
    public GenerationOptions Resolve(ChatOptions? options)
    {
        var o = Defaults;
        if (options is not null)
            o = o with
            {
                Temperature = options.Temperature ?? o.Temperature,
                TopP = options.TopP ?? o.TopP,
                TopK = options.TopK ?? o.TopK,
                Seed = options.Seed ?? o.Seed,
                MaxNewTokens = options.MaxOutputTokens ?? o.MaxNewTokens,
                StopStrings = [.. o.StopStrings, .. options.StopSequences ?? []],
            };
        return o with { StopStrings = [.. o.StopStrings, .. Generator.Model.Template.StopStrings] };
    }

    /// <summary>
    /// Batch API for the loop: K = options.SamplesPerPrompt continuations for each conversation, decoded in batches.
    /// Results are prompt-major (index = conversation * K + sample).
    /// </summary>
    public IReadOnlyList<GenerationResult> GenerateBatch(IReadOnlyList<IReadOnlyList<ChatTurn>> conversations, GenerationOptions options,
        CancellationToken ct = default)
    {
        var prompts = conversations.Select(c => RenderPrompt(c)).ToArray();
        var resolved = options with { StopStrings = [.. options.StopStrings, .. Generator.Model.Template.StopStrings] };
        gate.Wait(ct);
        try { return Generator.Generate(prompts, resolved, ct: ct); }
        finally { gate.Release(); }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var prompt = RenderPrompt(ToTurns(messages));
        var resolved = Resolve(options) with { SamplesPerPrompt = 1 };
        await gate.WaitAsync(cancellationToken);
        GenerationResult result;
        try { result = await Task.Run(() => Generator.Generate([prompt], resolved, ct: cancellationToken).Single(), cancellationToken); }
        finally { gate.Release(); }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, result.Text))
        {
            ModelId = Metadata.DefaultModelId,
            FinishReason = result.FinishReason == FinishReason.Stop ? ChatFinishReason.Stop : ChatFinishReason.Length,
            Usage = Usage(result),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prompt = RenderPrompt(ToTurns(messages));
        var resolved = Resolve(options) with { SamplesPerPrompt = 1 };
        var channel = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var responseId = Guid.NewGuid().ToString("N");
        await gate.WaitAsync(cancellationToken);
        var producer = Task.Run(() =>
        {
            try
            {
                var result = Generator.Generate([prompt], resolved,
                    d => channel.Writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, d.Text) { ResponseId = responseId, ModelId = Metadata.DefaultModelId }),
                    cancellationToken).Single();
                channel.Writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Usage(result))])
                {
                    ResponseId = responseId,
                    ModelId = Metadata.DefaultModelId,
                    FinishReason = result.FinishReason == FinishReason.Stop ? ChatFinishReason.Stop : ChatFinishReason.Length,
                });
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
            finally
            {
                gate.Release();
            }
        }, CancellationToken.None);
        await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken))
            yield return update;
        await producer;
    }

    private static UsageDetails Usage(GenerationResult r) => new()
    {
        InputTokenCount = r.PromptTokens,
        OutputTokenCount = r.CompletionTokens,
        TotalTokenCount = r.PromptTokens + r.CompletionTokens,
    };

    private static List<ChatTurn> ToTurns(IEnumerable<ChatMessage> messages)
        => messages.Select(m => new ChatTurn(m.Role.Value, m.Text)).ToList();

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return Metadata;
        if (serviceType.IsInstanceOfType(this)) return this;
        if (serviceType == typeof(StudentModel)) return Generator.Model;
        return null;
    }

    public void Dispose()
    {
        gate.Dispose();
        if (ownsModel) Generator.Model.Dispose();
    }
}
