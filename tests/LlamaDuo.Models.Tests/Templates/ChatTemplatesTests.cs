using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tests.Tokenizers;

namespace LlamaDuo.Models.Tests.Templates;

/// <summary>Template selection (names, folder recognition, override) and the loss segments.</summary>
public sealed class ChatTemplatesTests
{
    static readonly ChatTurn[] Pair = [ChatTurn.User("Hi"), ChatTurn.Assistant("Hello")];

    [Theory]
    [InlineData("chatml", "Hello<|im_end|>")]
    [InlineData("qwen", "Hello<|im_end|>")]
    [InlineData("qwen3", "Hello<|im_end|>")]
    [InlineData("llama3", "Hello<|eot_id|>")]
    [InlineData("llama3.1", "Hello<|eot_id|>")]
    [InlineData("llama2", "Hello </s>")]
    [InlineData("mistral", "Hello</s>")]
    [InlineData("gemma", "Hello<end_of_turn>")]
    [InlineData("plain", "Hello")]
    public void Only_the_answer_and_its_end_marker_are_assistant_segments(string name, string answer)
    {
        var segments = ChatTemplates.ByName(name).Render(Pair, addGenerationPrompt: false);
        Assert.Equal([answer], segments.Where(s => s.IsAssistant).Select(s => s.Text));
        Assert.DoesNotContain(segments, s => s.Text.Length == 0);
    }

    [Fact]
    public void Every_assistant_turn_is_flagged_in_a_two_turn_conversation()
    {
        ChatTurn[] chat = [ChatTurn.User("a"), ChatTurn.Assistant("b"), ChatTurn.User("c"), ChatTurn.Assistant("d")];
        var segments = ChatTemplates.ByName("llama3").Render(chat, addGenerationPrompt: false);
        Assert.Equal(["b<|eot_id|>", "d<|eot_id|>"], segments.Where(s => s.IsAssistant).Select(s => s.Text));
    }

    [Fact]
    public void Plain_concatenates_prompt_and_answer()
    {
        var segments = ChatTemplates.Plain.Render([ChatTurn.User("Once upon a time"), ChatTurn.Assistant(", there was")], false);
        Assert.Equal("Once upon a time, there was", string.Concat(segments.Select(s => s.Text)));
        Assert.Empty(ChatTemplates.Plain.StopStrings);
        Assert.False(ChatTemplates.Plain.RendersBos);
    }

    [Theory]
    [InlineData("qwen3", "qwen3")]
    [InlineData("llama3", "llama3")]
    [InlineData("gemma3", "gemma")]
    [InlineData("llama3_1", "llama3")]   // this package ships the plain Llama 3 layout, not 3.1's
    [InlineData("llama2", "plain")]   // this package's tokenizer_config.json has no chat_template
    public void A_real_model_folder_is_recognised(string package, string expected)
    {
        var template = ChatTemplates.ForFolder(NodeReference.ModelFolder(package), overrideName: null);
        Assert.Equal(expected, template.Name);
    }

    [Fact]
    public void A_recognised_folder_keeps_its_own_jinja_for_export()
    {
        var folder = NodeReference.ModelFolder("gemma3");
        var template = ChatTemplates.ForFolder(folder, null);
        Assert.Contains("first_user_prefix", template.JinjaSource);
        Assert.Contains("<start_of_image>", template.JinjaSource);   // the file's text, not our shorter one
    }

    [Fact]
    public void An_override_wins_over_the_folder()
    {
        var template = ChatTemplates.ForFolder(NodeReference.ModelFolder("qwen3"), "chatml");
        Assert.Equal("chatml", template.Name);
        Assert.Equal(ChatTemplates.ByName("chatml").JinjaSource, template.JinjaSource);
    }

    [Fact]
    public void A_qwen2_style_template_brings_its_default_system_prompt()
    {
        var folder = FolderWithTemplate(
            "{% if messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}" +
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}");
        var template = ChatTemplates.ForFolder(folder, null);
        Assert.Equal("qwen", template.Name);
        var text = string.Concat(template.Render([ChatTurn.User("Hi")], true).Select(s => s.Text));
        Assert.StartsWith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n", text);

        // The same from the Jinja text alone (as a GGUF carries it), keeping the text for a later export.
        var fromJinja = ChatTemplates.FromJinja(template.JinjaSource!)!;
        Assert.Equal(text, string.Concat(fromJinja.Render([ChatTurn.User("Hi")], true).Select(s => s.Text)));
        Assert.Equal(template.JinjaSource, fromJinja.JinjaSource);
        Assert.Null(ChatTemplates.FromJinja("{{ messages }}"));
    }

    [Fact]
    public void Llama31_opens_with_the_knowledge_cutoff_system_turn()
    {
        // The published Llama 3.1 prompt layout (Meta's model card) with the templates' default date.
        var folder = FolderWithTemplate("{{ bos_token }}{{ '<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n' }}");
        var template = ChatTemplates.ForFolder(folder, null);
        Assert.Equal("llama3.1", template.Name);
        var text = string.Concat(template.Render([ChatTurn.System("You are a helpful assistant"), ChatTurn.User("Hi, how are you?")], true).Select(s => s.Text));
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n" +
            "You are a helpful assistant<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi, how are you?<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void An_unrecognised_template_is_an_input_error_listing_the_names()
    {
        var folder = FolderWithTemplate("{% for m in messages %}### {{ m['role'] }}: {{ m['content'] }}\n{% endfor %}");
        var e = Assert.Throws<InputException>(() => ChatTemplates.ForFolder(folder, null));
        Assert.Contains(Path.Combine(folder, "tokenizer_config.json"), e.Message);
        Assert.Contains("chatml, qwen, qwen3, llama3, llama3.1, llama2, mistral, gemma, plain", e.Message);
        Assert.Equal("plain", ChatTemplates.ForFolder(folder, "plain").Name);
    }

    [Fact]
    public void An_unknown_name_is_an_input_error()
    {
        var e = Assert.Throws<InputException>(() => ChatTemplates.ByName("vicuna"));
        Assert.Contains("vicuna", e.Message);
        Assert.Contains("llama3", e.Message);
    }

    [Fact]
    public void Roles_must_alternate_where_the_template_requires_it()
    {
        Assert.Throws<ArgumentException>(() => ChatTemplates.ByName("gemma").Render([ChatTurn.User("a"), ChatTurn.User("b")], true));
        Assert.Throws<ArgumentException>(() => ChatTemplates.ByName("chatml").Render([ChatTurn.User("a"), new ChatTurn("tool", "x")], true));
    }

    static string FolderWithTemplate(string jinja)
    {
        var folder = Directory.CreateTempSubdirectory("llamaduo-tpl-").FullName;
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["chat_template"] = jinja }));
        return folder;
    }
}
