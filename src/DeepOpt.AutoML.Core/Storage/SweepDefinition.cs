// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Nodes;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// What a store keeps about a sweep besides its trials: the search space and the settings, as JSON, so that a resume
/// against a different space is refused before any trial runs.
/// </summary>
/// <remarks>
/// The space is written by what it does rather than how it was built: its coordinates (name, kind, number of values),
/// its default point, and the configurations at a few fixed points of the unit cube. Two spaces with the same JSON
/// map every point to the same configuration, so trials of one are valid trials of the other; changing a bound, a
/// scale, a candidate or a key changes the JSON.
/// </remarks>
internal static class SweepDefinition
{
    private static readonly double[] s_probes = [0.0, 0.137, 0.5, 0.861, 1.0];

    /// <summary>Writes the definition of a sweep.</summary>
    public static string ToJson(SearchSpace.SearchSpace? space, IReadOnlyDictionary<string, string?> settings)
    {
        var root = new JsonObject
        {
            ["format"] = 1,
            ["searchSpace"] = space == null ? null : Describe(space),
            ["settings"] = new JsonObject(settings.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        return root.ToJsonString();
    }

    /// <summary>Throws when a stored definition's space differs from this experiment's.</summary>
    public static void EnsureSameSpace(string storedJson, string currentJson, string sweepName, string location)
    {
        JsonNode? stored;
        try
        {
            stored = JsonNode.Parse(storedJson)?["searchSpace"];
        }
        catch (JsonException ex)
        {
            throw new TrialStoreException(
                $"The sweep '{sweepName}' in the {location} has an unreadable definition: use another sweep name.", ex);
        }

        var current = JsonNode.Parse(currentJson)?["searchSpace"];
        if (stored == null || current == null || JsonNode.DeepEquals(stored, current))
        {
            return;
        }

        string storedKeys = Keys(stored);
        string currentKeys = Keys(current);
        string difference = storedKeys == currentKeys
            ? $"the options are the same ({currentKeys}) but their ranges, scales, defaults or candidates differ"
            : $"it has the options {storedKeys}, this experiment has {currentKeys}";
        throw new TrialStoreException(
            $"The sweep '{sweepName}' in the {location} was run with a different search space: {difference}. Its trials "
            + "would mislead the tuner. Resume with the original space, or start a new sweep with SetSweepName (or another "
            + "storage path).");
    }

    private static JsonObject Describe(SearchSpace.SearchSpace space)
    {
        var features = new JsonArray(space.Features.Select(f => (JsonNode)new JsonObject
        {
            ["name"] = f.Name,
            ["kind"] = f.Kind.ToString(),
            ["values"] = f.Cardinality,
        }).ToArray());
        var probes = new JsonArray(s_probes.Select(p =>
            JsonNode.Parse(space.SampleFromFeatureSpace(Enumerable.Repeat(p, space.FeatureSpaceDim).ToArray()).ToJson())).ToArray());
        return new JsonObject
        {
            ["features"] = features,
            ["default"] = JsonNode.Parse(space.SampleFromFeatureSpace(space.Default).ToJson()),
            ["probes"] = probes,
        };
    }

    private static string Keys(JsonNode space) =>
        string.Join(", ", (space["features"]?.AsArray() ?? []).Select(f => f?["name"]?.GetValue<string>()));
}
