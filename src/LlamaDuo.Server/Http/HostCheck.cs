using System.Net;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Server.Http;

/// <summary>
/// Serves only requests whose Host header is on the allow-list. A web page can make a browser send requests to
/// 127.0.0.1 under its own name by re-pointing that name's DNS record (DNS rebinding); the Host header still carries
/// the page's name, so refusing unknown names keeps such pages away from a server without a key. IP literals and
/// localhost names are always served: no DNS record can make them.
/// </summary>
internal sealed class HostCheck(RequestDelegate next, IReadOnlyList<string> allowed)
{
    readonly bool any = allowed.Contains("*");

    public Task InvokeAsync(HttpContext http)
    {
        var host = http.Request.Host.Host; // without the port; an IPv6 literal keeps its brackets
        if (any || host.Length == 0 || IsAllowed(host)) return next(http);
        throw new ApiException(403,
            $"Host '{host}' is not served here. This server answers to localhost and IP addresses; to reach it by this name, " +
            $"start it with --allowed-host {host}.", "invalid_request_error", code: "host_not_allowed");
    }

    bool IsAllowed(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        if (IPAddress.TryParse(host.Trim('[', ']'), out _)) return true;
        foreach (var name in allowed)
        {
            if (name.StartsWith("*.", StringComparison.Ordinal) ? host.EndsWith(name[1..], StringComparison.OrdinalIgnoreCase)
                                                                : host.Equals(name, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
