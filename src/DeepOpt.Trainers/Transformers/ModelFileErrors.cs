// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// The errors of a model file that cannot be loaded, one wording per cause. Each is an
/// <see cref="InvalidDataException"/> that names the file, what is wrong and the fix, with the low-level error (zip,
/// JSON, libtorch) kept as the inner exception.
/// </summary>
internal static class ModelFileErrors
{
    private const string SaveAgain = "save the model again with ml.Model.SaveDeepOpt";

    /// <summary>The file is something else: not a zip, or a zip without DeepOpt's manifest.</summary>
    public static InvalidDataException NotAModel(string source, string why, Exception? inner = null) =>
        new($"{source} is not a DeepOpt model file: {why}. Give a file written by ml.Model.SaveDeepOpt; ML.NET's own model files load with ml.Model.Load.", inner);

    /// <summary>The file was a DeepOpt model but lost or garbled bytes.</summary>
    public static InvalidDataException Damaged(string source, string why, Exception? inner = null) =>
        new($"{source} was truncated or corrupted ({why}); {SaveAgain}.", inner);

    /// <summary>The description entry was edited into something that does not describe a model.</summary>
    public static InvalidDataException BadDescription(string source, string entry, string why, Exception? inner = null) =>
        new($"{source} has a description '{entry}' that does not describe a DeepOpt model ({why}): the file was edited or damaged; {SaveAgain}.", inner);

    /// <summary>The weights do not fit the network the description builds.</summary>
    public static InvalidDataException WeightsMismatch(string source, string entry, string difference, Exception? inner = null) =>
        new($"{source}: the weights in '{entry}' do not match the network described: {difference}. The weights or the description were replaced or edited; {SaveAgain}.", inner);
}
