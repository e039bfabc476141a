namespace LlamaDuo.Service.Demo.Host;

/// <summary>A fault the demo service can inject into a chat request.</summary>
public enum DemoFault
{
    /// <summary>No fault: a normal answer.</summary>
    None,

    /// <summary>HTTP 429 with a Retry-After header.</summary>
    RateLimited,

    /// <summary>HTTP 500 with an OpenAI-shaped error body.</summary>
    ServerError,

    /// <summary>Hang far past any sane client timeout (until the client gives up).</summary>
    Timeout,

    /// <summary>HTTP 200 whose body is not JSON at all.</summary>
    Garbage,

    /// <summary>HTTP 200 with a valid JSON response cut off half way.</summary>
    Truncated,

    /// <summary>HTTP 200, well-formed envelope, but the message is rambling prose instead of the expected answer.</summary>
    Prose,
}
