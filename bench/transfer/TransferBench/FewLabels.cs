// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace DeepOpt.Bench.Transfer;

/// <summary>
/// The task of the bench: the five target classes of Fashion-MNIST (T-shirt/top, trouser, pullover, dress, coat) from a
/// few labelled images, and the other five classes (sandal, shirt, sneaker, bag, ankle boot) with all their images as
/// the related task a model may be pretrained on.
/// </summary>
internal sealed class FewLabels
{
    public static readonly int[] TargetClasses = [0, 1, 2, 3, 4];

    private readonly MLContext _ml;
    private readonly List<FashionImage> _targetTrain;
    private readonly ITransformer _targetKeys;

    public FewLabels(MLContext ml, List<FashionImage> train, List<FashionImage> test)
    {
        _ml = ml;
        _targetTrain = train.Where(r => IsTarget(r.Label)).ToList();
        TestRows = test.Where(r => IsTarget(r.Label)).ToList();
        _targetKeys = Keys(_targetTrain);
        Test = _targetKeys.Transform(ml.Data.LoadFromEnumerable(TestRows));
        TestCount = TestRows.Count;
        var sourceTrain = train.Where(r => !IsTarget(r.Label)).ToList();
        Source = Keys(sourceTrain).Transform(ml.Data.LoadFromEnumerable(sourceTrain));
        SourceCount = sourceTrain.Count;
    }

    /// <summary>Gets the test images of the target classes.</summary>
    public List<FashionImage> TestRows { get; }

    /// <summary>Gets the mapping of the target classes' labels to keys (1 to 5, by value).</summary>
    public ITransformer TargetKeys => _targetKeys;

    /// <summary>Gets the test images of the target classes, with the label as a key.</summary>
    public IDataView Test { get; }

    public int TestCount { get; }

    /// <summary>Gets every training image of the other five classes, with the label as a key.</summary>
    public IDataView Source { get; }

    public int SourceCount { get; }

    /// <summary>The labelled images of <see cref="LabelledRows"/>, with the label as a key.</summary>
    public IDataView Labelled(int count, int seed) => _targetKeys.Transform(_ml.Data.LoadFromEnumerable(LabelledRows(count, seed)));

    /// <summary>The first count / 5 images of each target class after a seeded shuffle: balanced, fixed.</summary>
    public List<FashionImage> LabelledRows(int count, int seed)
    {
        var random = new Random(seed);
        var shuffled = _targetTrain.OrderBy(_ => random.Next()).ToList();
        int perClass = count / TargetClasses.Length;
        return TargetClasses.SelectMany(c => shuffled.Where(r => (int)r.Label == c).Take(perClass)).OrderBy(_ => random.Next()).ToList();
    }

    private static bool IsTarget(float label) => Array.IndexOf(TargetClasses, (int)label) >= 0;

    private ITransformer Keys(List<FashionImage> rows) =>
        _ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(_ml.Data.LoadFromEnumerable(rows));
}
