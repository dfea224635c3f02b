// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepOpt.Trainers;

/// <summary>Everything but the weights that a saved DeepOpt transformer needs to rebuild its network and columns.</summary>
internal sealed record ModelDescription(
    PredictionKind Task,
    int ClassCount,
    FeatureSpec Features,
    LabelKeyValues? KeyValues,
    DeepTrainerOptions Options,
    IReadOnlyList<EpochReport> History)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };
}
