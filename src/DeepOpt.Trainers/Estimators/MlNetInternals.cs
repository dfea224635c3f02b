// Licensed under the MIT license. See LICENSE in the repository root.

using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepOpt.Trainers;

/// <summary>
/// The three things a third-party trainer needs from ML.NET 5.0.1 that it keeps internal, reached by reflection in
/// this one place: the <see cref="MLContext"/> behind a catalog (for its seed and log), a <see cref="SchemaShape"/>
/// built from a schema (its column constructor is internal), and a log message (its constructor is internal).
/// The tests exercise each, so an ML.NET version that changes them fails loudly rather than silently.
/// </summary>
internal static class MlNetInternals
{
    private static readonly MethodInfo s_createShape = typeof(SchemaShape).GetMethod(
        "Create", BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(DataViewSchema) })
        ?? throw Unsupported("SchemaShape.Create(DataViewSchema)");

    private static readonly ConstructorInfo s_message = typeof(ChannelMessage).GetConstructor(
        BindingFlags.NonPublic | BindingFlags.Instance, new[] { typeof(ChannelMessageKind), typeof(MessageSensitivity), typeof(string) })
        ?? throw Unsupported("ChannelMessage(kind, sensitivity, message)");

    /// <summary>The environment (the <see cref="MLContext"/>) behind an ML.NET catalog.</summary>
    public static IHostEnvironment Environment(object catalog)
    {
        var property = catalog.GetType().GetInterfaces()
            .FirstOrDefault(i => i.FullName == "Microsoft.ML.Data.IInternalCatalog")?
            .GetProperty("Environment")
            ?? throw Unsupported("IInternalCatalog.Environment");
        return (IHostEnvironment)(property.GetValue(catalog) ?? throw Unsupported("IInternalCatalog.Environment"));
    }

    /// <summary>The estimator-level shape of a schema, annotations included.</summary>
    public static SchemaShape Shape(DataViewSchema schema) => (SchemaShape)s_createShape.Invoke(null, new object[] { schema })!;

    /// <summary>Writes an informational message to MLContext's log.</summary>
    public static void Info(IChannel channel, string message) => Send(channel, ChannelMessageKind.Info, message);

    /// <summary>Writes a warning to MLContext's log.</summary>
    public static void Warning(IChannel channel, string message) => Send(channel, ChannelMessageKind.Warning, message);

    private static void Send(IChannel channel, ChannelMessageKind kind, string message) =>
        channel.Send((ChannelMessage)s_message.Invoke(new object[] { kind, MessageSensitivity.None, message }));

    private static NotSupportedException Unsupported(string member) =>
        new($"DeepOpt needs ML.NET's {member}, which this version of Microsoft.ML lacks. Use Microsoft.ML 5.0.1.");
}
