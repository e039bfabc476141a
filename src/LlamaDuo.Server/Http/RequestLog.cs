using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlamaDuo.Server.Http;

/// <summary>
/// One line per request: method, path, status, milliseconds. Headers and bodies are never logged, so neither the
/// API key nor prompts reach the log.
/// </summary>
internal sealed class RequestLog(RequestDelegate next, ILogger<RequestLog> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await next(http);
        }
        finally
        {
            log.LogInformation("{Method} {Path} {Status} {Ms:0} ms", http.Request.Method, http.Request.Path.Value,
                http.Response.StatusCode, clock.Elapsed.TotalMilliseconds);
        }
    }
}
