using System.Text.Json;
using LlamaDuo.Core.Data;
using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tests.Tokenizers;

namespace LlamaDuo.Models.Tests.Templates;

/// <summary>
/// Our renderings against Hugging Face's Jinja (@huggingface/jinja in node): byte-identical to each template's own
/// Jinja source, and to the real chat_template files shipped with the Qwen3, Llama 3 (two) and Gemma 3 tokenizers.
/// </summary>
public sealed class ChatTemplateParityTests
{
    static readonly Dictionary<string, (string Bos, string Eos)> Tokens = new()
    {
        ["chatml"] = ("", "<|im_end|>"), ["qwen"] = ("", "<|im_end|>"), ["qwen3"] = ("", "<|im_end|>"),
        ["llama3"] = ("<|begin_of_text|>", "<|eot_id|>"), ["llama3.1"] = ("<|begin_of_text|>", "<|eot_id|>"), ["llama2"] = ("<s>", "</s>"), ["mistral"] = ("<s>", "</s>"),
        ["gemma"] = ("<bos>", "<eos>"), ["plain"] = ("", ""),
    };

    public static TheoryData<string> Names => new(ChatTemplates.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Rendering_equals_the_templates_own_jinja(string name)
    {
        var template = ChatTemplates.ByName(name);
        var cases = Cases(name);
        var expected = Render(new { template = template.JinjaSource }, name, cases);
        AssertSame(template, cases, expected);
    }

    [Theory]
    [InlineData("qwen3", "qwen3", false)]
    [InlineData("gemma3", "gemma", false)]
    [InlineData("llama3", "llama3", true)]   // this Llama 3 file always appends the assistant header
    [InlineData("llama3_1", "llama3", false)]
    public void Rendering_equals_the_real_chat_template_file(string package, string name, bool alwaysGenerationPrompt)
    {
        var template = ChatTemplates.ByName(name);
        var cases = Cases(name).Where(c => !alwaysGenerationPrompt || c.AddGenerationPrompt).ToList();
        var expected = Render(new { packageTemplate = package }, name, cases);
        AssertSame(template, cases, expected);
    }

    static List<(ChatTurn[] Messages, bool AddGenerationPrompt)> Cases(string name)
    {
        var cases = new List<(ChatTurn[], bool)>();
        foreach (var conversation in Conversations.All)
        {
            // Mistral's and Llama 2's layouts have no generation prompt, so both flags render the same text.
            cases.Add((conversation, false));
            cases.Add((conversation, true));
        }
        return cases;
    }

    static string[] Render(object source, string name, List<(ChatTurn[] Messages, bool AddGenerationPrompt)> cases)
    {
        var request = new Dictionary<string, object?>
        {
            ["bosToken"] = Tokens[name].Bos,
            ["eosToken"] = Tokens[name].Eos,
            ["cases"] = cases.Select(c => new { messages = Conversations.ToJson(c.Messages), addGenerationPrompt = c.AddGenerationPrompt }).ToArray(),
        };
        foreach (var p in source.GetType().GetProperties()) request[p.Name] = p.GetValue(source);
        var result = NodeReference.Run("render.mjs", request);
        return result.GetProperty("rendered").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    static void AssertSame(IChatTemplate template, List<(ChatTurn[] Messages, bool AddGenerationPrompt)> cases, string[] expected)
    {
        for (int i = 0; i < cases.Count; i++)
        {
            var ours = string.Concat(template.Render(cases[i].Messages, cases[i].AddGenerationPrompt).Select(s => s.Text));
            Assert.True(ours == expected[i],
                $"{template.Name} case {i} (generation prompt {cases[i].AddGenerationPrompt}):\n ours     {JsonSerializer.Serialize(ours)}\n expected {JsonSerializer.Serialize(expected[i])}");
        }
    }
}
