namespace LlamaDuo.Service.Tests.Demo;

/// <summary>Chat-completion bodies shaped as OpenAI's API reference documents them.</summary>
static class OpenAiReplies
{
    public static string Completion(string content, int promptTokens = 9, int completionTokens = 12) => $$"""
        {
          "id": "chatcmpl-123",
          "object": "chat.completion",
          "created": 1677652288,
          "model": "gpt-4o-mini-2024-07-18",
          "system_fingerprint": "fp_44709d6fcb",
          "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": "{{content}}" },
            "logprobs": null,
            "finish_reason": "stop"
          }],
          "usage": { "prompt_tokens": {{promptTokens}}, "completion_tokens": {{completionTokens}}, "total_tokens": {{promptTokens + completionTokens}} }
        }
        """;

    public static StubReply Ok(string content = "Hello there.") => new(200, Completion(content));

    public static StubReply Error(int status, string type = "server_error", IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, "{\"error\":{\"message\":\"stub " + status + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":null}}", headers);
}
