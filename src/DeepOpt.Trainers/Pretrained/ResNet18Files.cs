// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// Finds the ONNX files of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 beside the application. The
/// package's build props copy its <c>DnnImageModels</c> folder into the output of every project that references it,
/// directly or through DeepOpt.Trainers.
/// </summary>
internal static class ResNet18Files
{
    /// <summary>The NuGet package that ships the files.</summary>
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>ResNet-18's ImageNet weights (CNTK's model), relative to the output folder.</summary>
    public const string ModelPath = "DnnImageModels/ResNet18Onnx/ResNet18.onnx";

    /// <summary>Its preprocessing (RGB to BGR, minus the mean image), relative to the output folder.</summary>
    public const string PreprocessPath = "DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The path of ResNet18.onnx.</summary>
    /// <param name="baseDirectory">Where to look; null: <see cref="AppContext.BaseDirectory"/>.</param>
    /// <exception cref="FileNotFoundException">The file is not there.</exception>
    public static string Model(string? baseDirectory = null) => Find(ModelPath, baseDirectory);

    /// <summary>The path of ResNetPreprocess.onnx.</summary>
    /// <param name="baseDirectory">Where to look; null: <see cref="AppContext.BaseDirectory"/>.</param>
    /// <exception cref="FileNotFoundException">The file is not there.</exception>
    public static string Preprocess(string? baseDirectory = null) => Find(PreprocessPath, baseDirectory);

    private static string Find(string relativePath, string? baseDirectory)
    {
        string path = Path.GetFullPath(Path.Combine(baseDirectory ?? AppContext.BaseDirectory, relativePath));
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"The pretrained ResNet-18 file '{path}' was not found. Reference the NuGet package {PackageId} from the application's project "
                + $"(DeepOpt.Trainers brings it in unless its build assets are excluded): it copies {relativePath} into the output folder.",
                path);
    }
}
