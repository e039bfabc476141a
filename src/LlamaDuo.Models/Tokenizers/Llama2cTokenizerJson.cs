using System.Text.Json.Nodes;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// Writes a llama2.c tokenizer as a Hugging Face tokenizer.json (SentencePiece-BPE with byte fallback, as Llama 2
/// ships). Merges come from the scores: every split of a piece into two pieces is a merge ranked by the joined
/// piece's score, which is the order llama2.c's greedy merge applies them.
/// </summary>
public static class Llama2cTokenizerJson
{
    public static void Write(Llama2cTokenizer tok, string folder)
    {
        var vocab = new JsonObject();
        var ids = new Dictionary<string, int>();
        for (var id = 0; id < tok.VocabSize; id++)
        {
            var text = tok.TokenText(id);
            if (ids.TryAdd(text, id)) vocab[text] = id;
        }
        var merges = new List<(int Rank, int Left, int Right, string Text)>();
        foreach (var (piece, id) in ids)
        {
            if (id < 259) continue;
            for (var i = 1; i < piece.Length; i++)
                if (ids.TryGetValue(piece[..i], out var l) && l >= 259 && ids.TryGetValue(piece[i..], out var r) && r >= 259)
                    merges.Add((0, l, r, $"{piece[..i]} {piece[i..]}"));
        }
        var ordered = merges.OrderByDescending(m => tok.Score(ids[m.Text.Replace(" ", "")])).ThenBy(m => m.Left).ThenBy(m => m.Right)
            .Select(m => (JsonNode)m.Text).ToArray();

        JsonObject Special(int id, string content) => new()
        {
            ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        };
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(Special(0, "<unk>"), Special(1, "<s>"), Special(2, "</s>")),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["normalizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Prepend", ["prepend"] = "\u2581" },
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "\u2581" }),
            },
            ["pre_tokenizer"] = null,
            ["decoder"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = new JsonArray(
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = "\u2581" }, ["content"] = " " },
                    new JsonObject { ["type"] = "ByteFallback" },
                    new JsonObject { ["type"] = "Fuse" },
                    new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
            },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = "<unk>", ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = true, ["byte_fallback"] = true, ["vocab"] = vocab,
                ["merges"] = new JsonArray(ordered),
            },
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            """{"add_bos_token": true, "add_eos_token": false, "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "tokenizer_class": "LlamaTokenizer"}""");
    }
}
