// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// The one training loop of every DeepOpt network. A network only says how a batch becomes outputs; the engine owns
/// seeding, batches and their dispose scopes, the optimizer step, clipping, the schedule, validation under
/// <c>no_grad</c>, early stopping with the best weights restored, the history and cancellation.
/// </summary>
internal static class TrainingEngine
{
    /// <summary>Trains a new network and returns it on <paramref name="device"/> with its per-epoch history.</summary>
    /// <param name="build">Builds the untrained network, which the engine then initialises from the seed.</param>
    /// <param name="train">The training rows.</param>
    /// <param name="validation">The validation rows, or null.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="task">The task, which fixes loss and metric.</param>
    /// <param name="seed">The seed of initialisation, shuffling and dropout.</param>
    /// <param name="device">The device.</param>
    /// <param name="log">Where the engine's informational lines go (the estimators pass MLContext's log), or null.</param>
    /// <param name="context">Progress, teacher, and the cancellation checked before every batch.</param>
    /// <param name="fineTuning">The pretrained model the network starts from, or null for fresh weights.</param>
    public static (nn.Module<Tensor, Tensor> Network, IReadOnlyList<EpochReport> History) Fit(
        Func<nn.Module<Tensor, Tensor>> build,
        LabeledData train,
        LabeledData? validation,
        DeepTrainerOptions options,
        PredictionKind task,
        int seed,
        Device device,
        Action<string>? log,
        DeepFitContext context,
        FineTuning? fineTuning)
    {
        if (NativeSettings.ApplyOnce(out string applied))
        {
            log?.Invoke($"DeepOpt native settings for training: {applied}.");
        }

        using var distillation = context.Teacher == null ? null : new Distillation(context.Teacher, train.Spec, options.DistillationTemperature, options.DistillationAlpha);
        var design = NetworkDesign.Of(options);
        if (context.ProcessGroup is { Rank: > 0 })
        {
            // Rank 0 reports for the group: the others would print the same lines again.
            (log, context) = (null, context.Clone());
            context.Progress = null;
            context.BatchProgress = null;
        }

        var run = new TrainingRun(options, task, seed, device, log, context, design.CreateAugmenter(seed), design.UsesBatchNorm, distillation, null, null, null);
        ReplicaGroup.CheckDevices(options.Replicas, device.type, device.index, device.type == DeviceType.CUDA ? torch.cuda.device_count() : 0);
        int? threadCount = options.Replicas > 1 ? options.ThreadCount ?? Math.Max(1, Environment.ProcessorCount / options.Replicas) : options.ThreadCount;
        using var threads = ThreadCountScope.Set(threadCount);

        // The fit's own generators, never libtorch's process-wide one, which fits running at once would share: one on
        // the CPU, where the network is built and initialised, and one on the device for dropout masks.
        using var initRandom = new Generator(unchecked((ulong)seed), torch.CPU);
        using var deviceRandom = device.type == DeviceType.CPU ? null : new Generator(unchecked((ulong)seed), device);
        var network = build();
        try
        {
            Layers.Initialize(network, options.WeightInit, initRandom);
            network.to(device);
            run = run with { Plan = fineTuning?.Apply(network, options) ?? (options.HasBuiltInPretrainedWeights ? BlockPlan.Create(network, options) : null) };
            OneDnnCheck.Process.Ensure(network, device, log);
            SeededDropout.UseGenerator(network, deviceRandom ?? initRandom);
            using var replicas = ReplicaGroup.Create(network, build, options.Replicas, device, threadCount ?? 1, seed);
            using var group = GroupTraining.Start(context.ProcessGroup, network, Fingerprint(train, validation, options, seed, network));
            var history = Train(network, train, validation, run with { Replicas = replicas, Group = group });
            CheckFinite(network, history);
            SeededDropout.UseGenerator(network, null);
            return (network, history);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>What one fit needs besides the network and the data.</summary>
    private sealed record TrainingRun(
        DeepTrainerOptions Options,
        PredictionKind Task,
        int Seed,
        Device Device,
        Action<string>? Log,
        DeepFitContext Context,
        IBatchAugmenter? Augmenter,
        bool UsesBatchNorm,
        Distillation? Distillation,
        BlockPlan? Plan,
        ReplicaGroup? Replicas,
        GroupTraining? Group);

    private static List<EpochReport> Train(nn.Module<Tensor, Tensor> network, LabeledData trainRows, LabeledData? validationRows, TrainingRun run)
    {
        var (options, task, seed, device, log, context, augmenter, usesBatchNorm, distillation, plan, replicas, group) = run;
        int rowsPerSlice = usesBatchNorm ? 2 : 1;
        using var train = new TensorData(trainRows, task, device);
        using var validation = validationRows == null ? null : new TensorData(validationRows, task, device);
        using var loss = new TaskLoss(options, task, trainRows.ClassCount, trainRows.Targets, device);
        using var optimizer = plan?.CreateOptimizers() ?? new OptimizerSet([(OptimizerFactory.Create(network.parameters(), options), 1.0)]);
        var schedule = new LearningRateSchedule(options);
        var stopping = new EarlyStopping(options);
        var penalized = network.named_parameters().Where(p => p.parameter.dim() >= 2).Select(p => p.parameter).ToList();
        long parameterCount = network.parameters().Sum(p => p.numel());
        var random = new Random(seed);
        var order = Enumerable.Range(0, train.Count).Select(i => (long)i).ToArray();
        var history = new List<EpochReport>();
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                var watch = Stopwatch.StartNew();
                double rate = schedule.RateAt(epoch);
                optimizer.SetLearningRate(rate);
                network.train();
                plan?.BeginEpoch(epoch);
                replicas?.MirrorModes();
                random.Shuffle(order);
                double lossSum = 0;
                int batches = 0;
                int totalBatches = (order.Length + options.BatchSize - 1) / options.BatchSize;
                for (int start = 0; start < order.Length; start += options.BatchSize)
                {
                    int size = Math.Min(options.BatchSize, order.Length - start);
                    if (size == 1 && usesBatchNorm)
                    {
                        // A trailing batch of one row breaks batch norm's training statistics; its row is seen next epoch
                        // (Validate refuses BatchSize = 1 with batch norm, and Fit fewer rows than BatchSize, so a full batch has run).
                        break;
                    }

                    context.CancellationToken.ThrowIfCancellationRequested();
                    using var scope = torch.NewDisposeScope();
                    var rows = torch.tensor(order.AsSpan(start, size).ToArray(), device: device);
                    var input = train.Inputs.index_select(0, rows);
                    if (augmenter != null)
                    {
                        input = augmenter.Augment(input);
                    }

                    var target = train.TargetTensor.index_select(0, rows);
                    optimizer.ZeroGrad();
                    using Scalar l1 = options.L1Penalty.ToScalar();
                    Tensor? penalty() => options.L1Penalty > 0 && (group?.Rank ?? 0) == 0 ? L1Norm(penalized).mul(l1) : null;

                    // With a process group this process learns from its slice of the batch only (rank 0 adds the penalty).
                    var (offset, count) = group?.SliceOf(size, rowsPerSlice) ?? (0, size);
                    var (sliceInput, sliceTarget) = count == size ? (input, target) : (input.narrow(0, offset, count), target.narrow(0, offset, count));
                    float batchValue = count == 0 ? 0
                        : replicas == null ? Learn(network, sliceInput, sliceTarget, target, loss, distillation, penalty)
                        : replicas.Learn(sliceInput, sliceTarget, rowsPerSlice, (replica, x, y, index) => Learn(replica, x, y, target, loss, distillation, index == 0 ? penalty : null));
                    if (group != null)
                    {
                        batchValue = group.Reduce(batchValue, count, size);
                    }

                    if (!float.IsFinite(batchValue))
                    {
                        throw new TrainingDivergedException(epoch + 1, batches + 1, totalBatches, batchValue, rate);
                    }

                    Clip(network, options);
                    optimizer.Step();
                    replicas?.Synchronize();
                    lossSum += batchValue;
                    batches++;
                    context.BatchProgress?.Report(new BatchReport(epoch + 1, options.Epochs, batches, totalBatches, batchValue));
                }

                if (group != null)
                {
                    group.ShareWeights();
                    replicas?.Synchronize();
                }

                double? validationLoss = null;
                double? validationMetric = null;
                if (validation != null)
                {
                    (validationLoss, validationMetric) = Evaluate(network, validation, loss, task, options.BatchSize);
                    (validationLoss, validationMetric) = group?.Agree(validationLoss, validationMetric) ?? (validationLoss, validationMetric);
                }

                var report = new EpochReport(epoch + 1, options.Epochs, lossSum / batches, validationLoss, validationMetric, rate, watch.Elapsed.TotalSeconds)
                {
                    ParameterCount = parameterCount,
                };
                history.Add(report);
                context.Progress?.Report(report);
                log?.Invoke(Describe(report));
                double trainLoss = report.TrainLoss;
                schedule.EndEpoch(epoch, Monitored(options.PlateauMonitor, report) ?? trainLoss);
                if (stopping.EndEpoch(network, Monitored(options.EarlyStoppingMonitor, report)))
                {
                    log?.Invoke($"Early stopping after epoch {epoch + 1}: no improvement for {options.EarlyStoppingPatience} epochs.");

                    break;
                }
            }

            stopping.RestoreBest(network);
        }
        finally
        {
            stopping.Dispose();
        }

        return history;
    }

    /// <summary>Forward and backward of one batch, or of one replica's slice of it, whose loss is then scaled by the
    /// slice's share of the whole batch (<see cref="TaskLoss.Share"/>) so that the replicas' gradients sum to the batch's.
    /// Nothing runs backward when the loss is not finite.</summary>
    /// <returns>The (scaled) loss.</returns>
    private static float Learn(nn.Module<Tensor, Tensor> network, Tensor input, Tensor target, Tensor batchTarget, TaskLoss loss, Distillation? distillation, Func<Tensor?>? penalty)
    {
        var output = network.forward(input);
        var batchLoss = loss.Compute(output, target);
        double share = loss.Share(target, batchTarget);
        if (share != 1)
        {
            using Scalar weight = share.ToScalar();
            batchLoss = batchLoss.mul(weight);
        }

        if (distillation != null)
        {
            batchLoss = distillation.Mix(output, input, batchLoss, (double)input.shape[0] / batchTarget.shape[0]);
        }

        float value = batchLoss.item<float>();
        if (!float.IsFinite(value))
        {
            return value;
        }

        var objective = penalty?.Invoke() is { } l1 ? batchLoss + l1 : batchLoss;
        objective.backward();
        return value;
    }

    /// <summary>What every process of a group must agree on before training together.</summary>
    private static List<(string Name, double Value)> Fingerprint(LabeledData train, LabeledData? validation, DeepTrainerOptions options, int seed, nn.Module<Tensor, Tensor> network) =>
    [
        ("training rows", train.Count),
        ("validation rows", validation?.Count ?? 0),
        ("classes", train.ClassCount),
        ("features", train.FeatureSize),
        ("parameters", network.parameters().Sum(p => p.numel())),
        ("BatchSize", options.BatchSize),
        ("Epochs", options.Epochs),
        ("seed", seed),
        ("first target", train.Count > 0 ? train.Targets[0] : 0),
        ("last target", train.Count > 0 ? train.Targets[^1] : 0),
    ];

    /// <summary>Refuses a network whose last steps left a weight NaN or infinite while every batch's loss was finite.</summary>
    private static void CheckFinite(nn.Module<Tensor, Tensor> network, IReadOnlyList<EpochReport> history)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            using var scope = torch.NewDisposeScope();
            if (!parameter.isfinite().all().item<bool>())
            {
                var last = history[^1];
                throw new TrainingDivergedException(last.Epoch, name, last.LearningRate);
            }
        }
    }

    /// <summary>Mean loss and metric (accuracy, or R-squared for regression) of a data set, in evaluation mode.</summary>
    private static (double Loss, double Metric) Evaluate(nn.Module<Tensor, Tensor> network, TensorData data, TaskLoss loss, PredictionKind task, int batchSize)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        double lossSum = 0;
        double correct = 0;
        double squaredError = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            int size = Math.Min(batchSize, data.Count - start);
            var output = network.forward(data.Inputs.narrow(0, start, size));
            var target = data.TargetTensor.narrow(0, start, size);
            lossSum += loss.Compute(output, target).item<float>() * size;
            switch (task)
            {
                case PredictionKind.MulticlassClassification:
                    correct += output.argmax(1).eq(target).sum().item<long>();
                    break;
                case PredictionKind.BinaryClassification:
                    using (Scalar zero = 0.ToScalar())
                    {
                        correct += output.squeeze(1).gt(zero).to(ScalarType.Float32).eq(target).sum().item<long>();
                    }

                    break;
                default:
                    var error = output.squeeze(1) - target;
                    squaredError += (error * error).sum().item<float>();
                    break;
            }
        }

        double metric;
        if (task == PredictionKind.Regression)
        {
            double mean = data.Targets.Average(t => (double)t);
            double total = data.Targets.Sum(t => (t - mean) * (t - mean));
            metric = total > 0 ? 1 - (squaredError / total) : 0;
        }
        else
        {
            metric = correct / data.Count;
        }

        return (lossSum / data.Count, metric);
    }

    /// <summary>The monitored value with lower meaning better, or null without validation data.</summary>
    private static double? Monitored(MonitorKind monitor, EpochReport report) =>
        monitor == MonitorKind.ValidationLoss ? report.ValidationLoss : -report.ValidationMetric;

    private static Tensor L1Norm(List<TorchSharp.Modules.Parameter> parameters)
    {
        Tensor? sum = null;
        foreach (var parameter in parameters)
        {
            var norm = parameter.abs().sum();
            sum = sum is null ? norm : sum + norm;
        }

        return sum ?? torch.zeros(1);
    }

    private static void Clip(nn.Module<Tensor, Tensor> network, DeepTrainerOptions options)
    {
        if (options.GradientClipValue > 0)
        {
            nn.utils.clip_grad_value_(network.parameters(), options.GradientClipValue);
        }

        if (options.GradientClipNorm > 0)
        {
            nn.utils.clip_grad_norm_(network.parameters(), options.GradientClipNorm);
        }
    }

    private static string Describe(EpochReport r) =>
        $"Epoch {r.Epoch}/{r.TotalEpochs}: train loss {r.TrainLoss:F4}"
        + (r.ValidationLoss is { } l ? $", validation loss {l:F4}" : "")
        + (r.ValidationMetric is { } m ? $", validation metric {m:F4}" : "")
        + $", learning rate {r.LearningRate:G4}, {r.Seconds:F1} s";
}
