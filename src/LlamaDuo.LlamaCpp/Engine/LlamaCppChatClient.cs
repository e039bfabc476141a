using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlamaDuo.Core.Data;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Models.Templates;
using Microsoft.Extensions.AI;

namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// A GGUF model in llama.cpp behind <see cref="IChatClient"/>. Messages are rendered with the chat template
/// (explicit, else the one recorded in the GGUF, else plain concatenation for base models), tokenized by llama.cpp,
/// and completed with the options' temperature, top-p, top-k, seed, max output tokens and stop sequences. Without a
/// scheduler each call gets its own llama.cpp context; with one (<see cref="LlamaCppBatchScheduler"/>), concurrent
/// calls share its context and are decoded together. Either way concurrent calls are safe.
/// </summary>
public sealed class LlamaCppChatClient : IChatClient
{
    const int DefaultMaxTokens = 256;
    readonly bool _ownsModel;

    /// <summary>
    /// Wraps a loaded model; <paramref name="template"/> overrides the template found in the file. With
    /// <paramref name="scheduler"/> (over the same model), generations join its shared batch instead of opening a context each.
    /// </summary>
    public LlamaCppChatClient(LlamaCppModel model, IChatTemplate? template = null, bool ownsModel = false, LlamaCppBatchScheduler? scheduler = null)
    {
        Model = model;
        Scheduler = scheduler;
        Template = template ?? TemplateOf(model);
        _ownsModel = ownsModel;
        Metadata = new ChatClientMetadata("llama.cpp", new Uri(Path.GetFullPath(model.Path)), Path.GetFileNameWithoutExtension(model.Path));
    }

    /// <summary>
    /// Loads <paramref name="ggufPath"/> (with the LoRA adapter GGUF <paramref name="adapterPath"/> applied at run time,
    /// when given) and owns it (disposing the client frees the model).
    /// </summary>
    public static LlamaCppChatClient Open(string ggufPath, IChatTemplate? template = null, string? adapterPath = null) =>
        new(LlamaCppModel.Load(ggufPath, adapterPath), template, ownsModel: true);

    public LlamaCppModel Model { get; }

    /// <summary>The shared batch this client's generations join, or null (a context per call).</summary>
    public LlamaCppBatchScheduler? Scheduler { get; }
    public IChatTemplate Template { get; }
    public ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var completion = await CompleteAsync(messages, options, onText: null, cancellationToken);
        return Response(completion);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<string>();
        // A consumer that stops reading early ends the generation too (its slot is freed instead of running to the end).
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = CompleteAsync(messages, options, text => channel.Writer.TryWrite(text), abandon.Token);
        _ = work.ContinueWith(_ => channel.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        LlamaCppCompletion completion;
        try
        {
            await foreach (var text in channel.Reader.ReadAllAsync(cancellationToken))
                yield return new ChatResponseUpdate(ChatRole.Assistant, text) { ModelId = Metadata.DefaultModelId };
            completion = await work;
        }
        finally
        {
            if (!work.IsCompleted) abandon.Cancel();
        }
        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            FinishReason = Finish(completion),
            ModelId = Metadata.DefaultModelId,
            Contents = [new UsageContent(Usage(completion))],
        };
    }

    /// <summary>The prompt text the template renders for <paramref name="messages"/> (generation prompt appended).</summary>
    public string RenderPrompt(IEnumerable<ChatMessage> messages)
    {
        var turns = messages.Select(m => new ChatTurn(m.Role.Value, m.Text)).ToList();
        return string.Concat(Template.Render(turns, addGenerationPrompt: true).Select(s => s.Text));
    }

    /// <summary>
    /// K responses to each conversation of <paramref name="prompts"/>: result [p][k] answers prompts[p] with
    /// samples[p][k] (its own seed and options). With a scheduler, each prompt's samples form a group that shares the
    /// prompt's prefill, and all groups are queued at once (<see cref="LlamaCppBatchScheduler.SubmitGroups"/>), so a
    /// seeded rerun gives the same texts; without one they are answered one call after another.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<ChatResponse>>> GetResponsesAsync(IReadOnlyList<IReadOnlyList<ChatMessage>> prompts,
        IReadOnlyList<IReadOnlyList<ChatOptions>> samples, CancellationToken cancellationToken = default)
    {
        if (samples.Count != prompts.Count) throw new ArgumentException($"{prompts.Count} prompts but {samples.Count} lists of samples", nameof(samples));
        if (Scheduler is null)
        {
            var answers = new List<IReadOnlyList<ChatResponse>>(prompts.Count);
            for (int p = 0; p < prompts.Count; p++)
            {
                var responses = new List<ChatResponse>();
                foreach (var options in samples[p]) responses.Add(await GetResponseAsync(prompts[p], options, cancellationToken));
                answers.Add(responses);
            }
            return answers;
        }
        await Task.Yield(); // rendering and tokenization run off the caller's thread
        var groups = prompts.Select((messages, p) => (PromptTokens(messages), (IReadOnlyList<LlamaCppRequest>)samples[p].Select(Request).ToList())).ToList();
        var tasks = Scheduler.SubmitGroups(groups, cancellationToken);
        var result = new List<IReadOnlyList<ChatResponse>>(tasks.Count);
        foreach (var group in tasks) result.Add((await Task.WhenAll(group)).Select(Response).ToList());
        return result;
    }

    async Task<LlamaCppCompletion> CompleteAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Action<string>? onText, CancellationToken ct)
    {
        await Task.Yield(); // template rendering and tokenization run off the caller's thread, errors land in the task
        var tokens = PromptTokens(messages);
        var request = Request(options);
        if (Scheduler is not null) return await Scheduler.SubmitAsync(tokens, request, onText, ct);
        int contextLength = Math.Min(Model.TrainedContextLength, tokens.Count + request.MaxNewTokens);
        contextLength = Math.Max(contextLength, tokens.Count + 1);
        return await Task.Run(() =>
        {
            using var generator = new LlamaCppGenerator(Model, contextLength);
            return generator.Generate([tokens], request, onText is null ? null : (_, text) => onText(text), ct)[0];
        }, ct);
    }

    /// <summary>The token ids llama.cpp is fed for <paramref name="messages"/>: the rendered prompt, with BOS unless the template wrote it.</summary>
    public IReadOnlyList<int> PromptTokens(IEnumerable<ChatMessage> messages)
    {
        var prompt = RenderPrompt(messages);
        var bosText = Model.BosId is { } bos ? System.Text.Encoding.UTF8.GetString(Model.TokenBytes(bos, special: true)) : null;
        // Templates such as Llama 3's write the BOS marker themselves; adding another would double it.
        bool addBos = Model.AddsBos && !(bosText is { Length: > 0 } && prompt.StartsWith(bosText, StringComparison.Ordinal));
        return Model.Tokenize(prompt, addBos, parseSpecial: true);
    }

    LlamaCppRequest Request(ChatOptions? options)
    {
        var sampling = new LlamaCppSampling(options?.Temperature ?? 0f, options?.TopP ?? 1f, options?.TopK ?? 0,
            options?.Seed is { } seed ? unchecked((int)seed) : null);
        var stops = Template.StopStrings.Concat(options?.StopSequences ?? []).Where(s => s.Length > 0).Distinct().ToList();
        return new LlamaCppRequest(options?.MaxOutputTokens ?? DefaultMaxTokens, sampling, stops);
    }

    ChatResponse Response(LlamaCppCompletion completion) => new(new ChatMessage(ChatRole.Assistant, completion.Text))
    {
        FinishReason = Finish(completion),
        ModelId = Metadata.DefaultModelId,
        Usage = Usage(completion),
    };

    static ChatFinishReason Finish(LlamaCppCompletion c) => c.FinishReason == "length" ? ChatFinishReason.Length : ChatFinishReason.Stop;

    static UsageDetails Usage(LlamaCppCompletion c) => new()
    {
        InputTokenCount = c.PromptTokens,
        OutputTokenCount = c.Tokens.Count,
        TotalTokenCount = c.PromptTokens + c.Tokens.Count,
    };

    /// <summary>Our template name recorded at export, else the Jinja recognised by its markers, else plain.</summary>
    static IChatTemplate TemplateOf(LlamaCppModel model)
    {
        var name = model.MetadataString(StudentModelExport.TemplateNameKey);
        if (name is not null && ChatTemplates.Names.Contains(name)) return ChatTemplates.ByName(name);
        var recognised = model.ChatTemplate is { } jinja ? ChatTemplates.Recognize(jinja) : null;
        return recognised is null ? ChatTemplates.Plain : ChatTemplates.ByName(recognised);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(LlamaCppModel) ? Model
        : null;

    public void Dispose()
    {
        if (_ownsModel) Model.Dispose();
    }
}
