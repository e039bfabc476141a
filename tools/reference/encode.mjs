// Reference token ids from transformers.js (via @lenml/tokenizers) for LlamaDuo's tokenizer parity tests.
// Reads one JSON request on stdin: { "tokenizer": "llama3" | "qwen3" | "llama2" | "gemma3", "texts": [...],
//   "addSpecialTokens": false }, or "tokenizerJsonPath" + "tokenizerConfigPath" instead of "tokenizer" for other files.
// Prints { "ids": [[...], ...], "decoded": ["...", ...] } on stdout.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { TokenizerLoader } from "@lenml/tokenizers";

const require = createRequire(import.meta.url);

function modelFile(name, file) {
  return require.resolve(`@lenml/tokenizer-${name}/models/${file}`);
}

const request = JSON.parse(readFileSync(0, "utf8"));
const name = request.tokenizer;
const tokenizer = TokenizerLoader.fromPreTrained({
  tokenizerJSON: JSON.parse(readFileSync(request.tokenizerJsonPath ?? modelFile(name, "tokenizer.json"), "utf8")),
  tokenizerConfig: JSON.parse(readFileSync(request.tokenizerConfigPath ?? modelFile(name, "tokenizer_config.json"), "utf8")),
});
const addSpecial = request.addSpecialTokens ?? false;
const ids = request.texts.map((text) => tokenizer.encode(text, { add_special_tokens: addSpecial }));
const decoded = ids.map((row) => row.length === 0 ? ""
  : tokenizer.decode(row, { skip_special_tokens: false, clean_up_tokenization_spaces: false }));
process.stdout.write(JSON.stringify({ ids, decoded }));
