using System.Text.Json;
using LlamaDuo.Core.Errors;
using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlamaDuo.Server.Http;

/// <summary>
/// The server's one exception translator: every failure below it becomes an OpenAI-shaped error body. Bad input
/// (malformed JSON, wrong types, failed validation, an engine's <see cref="InputException"/>) is a 400; anything
/// unexpected is a 500 whose details go to the log, not to the client. Once a stream has started the status line is
/// gone, so the error travels as a final SSE event instead.
/// </summary>
internal sealed class ErrorTranslator(RequestDelegate next, ILogger<ErrorTranslator> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e)
        {
            var error = Translate(e);
            if (error.Status >= 500) log.LogError(e, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
            await WriteAsync(http, error);
        }
    }

    static ApiException Translate(Exception e) => e switch
    {
        ApiException api => api,
        JsonException json when IsSyntaxError(json) => ApiException.BadRequest($"The request body is not valid JSON: {FirstSentence(json.Message)}"),
        JsonException json => ApiException.BadRequest(DescribeJsonError(json), ParamOf(json.Path)),
        InputException input => ApiException.BadRequest(input.Message, input.Field, input.Field is null ? null : "invalid_value"),
        BadHttpRequestException { StatusCode: 413 } => new ApiException(413,
            $"{FirstSentence(e.Message)} Send a smaller request: the prompt has to fit the model's context anyway.",
            "invalid_request_error", code: "request_too_large"),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, bad.Message, "invalid_request_error"),
        _ => new ApiException(500, "The server failed to generate a response; see the server log.", "server_error"),
    };

    // The reader's own syntax errors come wrapped in an internal JsonReaderException; type mismatches do not.
    static bool IsSyntaxError(JsonException e) => e.InnerException?.GetType().Name == "JsonReaderException";

    static string DescribeJsonError(JsonException e)
    {
        // The serializer's own messages name CLR types ("System.Nullable`1[System.Single]"); say it in wire terms.
        var param = ParamOf(e.Path);
        if (param is null) return "The request body must be a JSON object.";
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal)) return $"Invalid type for '{param}': expected {ExpectedType(param)}.";
        return $"Invalid value for '{param}': {FirstSentence(e.Message)}";
    }

    // The serializer names the record being built, not the field's type, so the expected types of the fields we
    // read are listed here, by the last segment of the JSON path.
    static readonly Dictionary<string, string> ExpectedTypes = new()
    {
        ["temperature"] = "a number", ["top_p"] = "a number",
        ["max_tokens"] = "an integer", ["max_completion_tokens"] = "an integer", ["n"] = "an integer", ["seed"] = "an integer",
        ["stream"] = "a boolean", ["include_usage"] = "a boolean",
        ["messages"] = "an array of message objects", ["stream_options"] = "an object",
        ["model"] = "a string", ["role"] = "a string",
    };

    static string ExpectedType(string param)
    {
        var field = param[(param.LastIndexOf('.') + 1)..];
        if (field.EndsWith(']')) return "an object"; // an element of an array: messages[0]
        return ExpectedTypes.GetValueOrDefault(field, "another type");
    }

    static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    static string? ParamOf(string? path) =>
        path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    public static async Task WriteAsync(HttpContext http, ApiException error)
    {
        var body = new ErrorBody(new ErrorDetail(error.Message, error.Type, error.Param, error.Code));
        if (http.Response.HasStarted)
        {
            await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(body, WireJson.Options)}\n\n", http.RequestAborted);
            return;
        }
        http.Response.StatusCode = error.Status;
        if (error.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString();
        if (error.Allow is not null) http.Response.Headers.Allow = error.Allow;
        await http.Response.WriteAsJsonAsync(body, WireJson.Options, http.RequestAborted);
    }
}
