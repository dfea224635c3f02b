// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DeepOpt.Trainers;

/// <summary>Replaces some properties of LstmOptions with those of a JSON object, enums by name.</summary>
internal static class OptionsJson
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    public static LstmOptions Merge(LstmOptions options, string changes)
    {
        var merged = JsonSerializer.SerializeToNode(options, s_json)!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(changes)!.AsObject())
        {
            if (!merged.ContainsKey(name))
            {
                throw new ArgumentException($"LstmOptions has no property '{name}'.", nameof(changes));
            }

            merged[name] = value?.DeepClone();
        }

        return merged.Deserialize<LstmOptions>(s_json)!;
    }
}
