namespace LlamaDuo.Core.Options;

/// <summary>
/// Marks a property of an options record that the YAML config does not expose: wiring the caller sets (a model id,
/// a concurrency limit, a resume flag) or a tuned constant of an algorithm. The config binder and the resolved
/// config.yaml skip it; every other settable property of a config section is a key.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotInConfigAttribute : Attribute;
