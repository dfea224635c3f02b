// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>The engine's loss hook: network outputs and targets to a scalar loss, for the task and the loss options.</summary>
internal sealed class TaskLoss : IDisposable
{
    private readonly LossKind _kind;
    private readonly double _labelSmoothing;
    private readonly double _huberDelta;
    private readonly Tensor? _classWeights;

    public TaskLoss(DeepTrainerOptions options, PredictionKind task, int classCount, float[] trainTargets, Device device)
    {
        _kind = Resolve(options.Loss, task);
        _labelSmoothing = options.LabelSmoothing;
        _huberDelta = options.HuberDelta;
        var weights = ClassWeights(options, task, classCount, trainTargets);
        if (weights != null)
        {
            _classWeights = torch.tensor(weights, dtype: ScalarType.Float32, device: device);
        }
    }

    /// <summary>The loss kind in use, after null has become the task's own.</summary>
    public LossKind Kind => _kind;

    /// <summary>The class weights in use, or null.</summary>
    public static float[]? ClassWeights(DeepTrainerOptions options, PredictionKind task, int classCount, float[] trainTargets)
    {
        if (task == PredictionKind.Regression)
        {
            if (options.ClassWeights != null || options.BalanceClassWeights)
            {
                throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.ClassWeights), "Class weights apply to classification only. Unset `ClassWeights` and `BalanceClassWeights` for regression.");
            }

            return null;
        }

        if (options.ClassWeights != null)
        {
            if (options.ClassWeights.Length != classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.ClassWeights), $"`ClassWeights` must have one weight per class ({classCount}), but has {options.ClassWeights.Length}.");
            }

            return options.ClassWeights.Select(w => (float)w).ToArray();
        }

        if (!options.BalanceClassWeights)
        {
            return null;
        }

        var counts = new int[classCount];
        foreach (var target in trainTargets)
        {
            counts[(int)target]++;
        }

        return counts.Select(c => c == 0 ? 1f : (float)trainTargets.Length / (classCount * c)).ToArray();
    }

    /// <summary>The mean loss of a batch. Targets are class indices (int64) for multiclass, 0/1 or values (float) otherwise.</summary>
    public Tensor Compute(Tensor output, Tensor target)
    {
        switch (_kind)
        {
            case LossKind.CrossEntropy:
                return nn.functional.cross_entropy(output, target, weight: _classWeights, label_smoothing: _labelSmoothing);
            case LossKind.BinaryCrossEntropy:
            {
                var logits = output.squeeze(1);
                if (_classWeights is null)
                {
                    return nn.functional.binary_cross_entropy_with_logits(logits, target);
                }

                // As PyTorch's weighted cross-entropy: the weighted sum divided by the sum of the weights.
                var rowWeights = _classWeights.index_select(0, target.to(ScalarType.Int64));
                var losses = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.None);
                return (losses * rowWeights).sum() / rowWeights.sum();
            }

            case LossKind.MeanSquaredError:
                return nn.functional.mse_loss(output.squeeze(1), target);
            default:
                return nn.functional.huber_loss(output.squeeze(1), target, delta: _huberDelta);
        }
    }

    /// <summary>The weight of <paramref name="slice"/>'s rows in the mean loss of <paramref name="batch"/>, which the
    /// slice holds part of: its rows over the batch's, or its class weights over the batch's with class weights (the
    /// weighted mean divides by the sum of the rows' weights). The slices' losses times their shares sum to the batch's.</summary>
    public double Share(Tensor slice, Tensor batch)
    {
        if (slice.shape[0] == batch.shape[0])
        {
            return 1;
        }

        if (_classWeights is null)
        {
            return (double)slice.shape[0] / batch.shape[0];
        }

        using var scope = torch.NewDisposeScope();
        double sliceWeight = _classWeights.index_select(0, slice.to(ScalarType.Int64)).sum().item<float>();
        return sliceWeight / _classWeights.index_select(0, batch.to(ScalarType.Int64)).sum().item<float>();
    }

    public void Dispose() => _classWeights?.Dispose();

    public static LossKind Resolve(LossKind? loss, PredictionKind task)
    {
        var resolved = loss ?? task switch
        {
            PredictionKind.MulticlassClassification => LossKind.CrossEntropy,
            PredictionKind.BinaryClassification => LossKind.BinaryCrossEntropy,
            _ => LossKind.MeanSquaredError,
        };
        bool fits = task switch
        {
            PredictionKind.MulticlassClassification => resolved == LossKind.CrossEntropy,
            PredictionKind.BinaryClassification => resolved == LossKind.BinaryCrossEntropy,
            _ => resolved is LossKind.MeanSquaredError or LossKind.Huber,
        };
        if (!fits)
        {
            string allowed = task switch
            {
                PredictionKind.MulticlassClassification => "CrossEntropy",
                PredictionKind.BinaryClassification => "BinaryCrossEntropy",
                _ => "MeanSquaredError or Huber",
            };
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Loss), resolved, $"`Loss` {resolved} does not fit {task}. Use {allowed}, or leave `Loss` null for the task's own.");
        }

        return resolved;
    }
}
