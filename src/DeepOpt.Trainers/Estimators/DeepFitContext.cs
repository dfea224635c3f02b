// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;

namespace DeepOpt.Trainers;

/// <summary>
/// The objects of one run that a trainer uses beside its options: validation data, progress, a teacher and
/// cancellation. The options hold the settings a tuner or a configuration file can set; this holds what exists only
/// while the program runs, so it is never saved with a model. The trainer reads it when <c>Fit</c> starts, so a
/// progress display can be set after the pipeline is built.
/// </summary>
/// <example>
/// <code>
/// var context = new DeepFitContext { ValidationSet = validation, Progress = new Progress&lt;EpochReport&gt;(Console.WriteLine) };
/// var trainer = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { EarlyStoppingPatience = 3 }, context);
/// </code>
/// </example>
public sealed class DeepFitContext
{
    /// <summary>Gets or sets explicit validation data with the same columns as the training data.</summary>
    /// <value>null uses <see cref="DeepTrainerOptions.ValidationFraction"/>. Default null.</value>
    public IDataView? ValidationSet { get; set; }

    /// <summary>Gets or sets who receives a report after every epoch.</summary>
    /// <value>null for none. Default null.</value>
    public IProgress<EpochReport>? Progress { get; set; }

    /// <summary>Gets or sets who receives a report after every training batch (on the training thread: keep it quick).</summary>
    /// <value>null for none. Default null.</value>
    public IProgress<BatchReport>? BatchProgress { get; set; }

    /// <summary>Gets or sets a fitted DeepOpt classifier whose softened outputs the new model learns from (knowledge distillation).</summary>
    /// <value>null trains on the labels alone. The teacher must read the same feature column with the same size and have
    /// the same classes; a text teacher and a text student may have different vocabularies (the student's token ids are
    /// translated word by word into the teacher's). <see cref="DeepTrainerOptions.DistillationTemperature"/> and
    /// <see cref="DeepTrainerOptions.DistillationAlpha"/> set how it teaches. Default null.</value>
    public DeepPredictionTransformer? Teacher { get; set; }

    /// <summary>Gets or sets a fitted DeepOpt model whose weights the network starts from (fine-tuning).</summary>
    /// <value>null uses <see cref="DeepTrainerOptions.PretrainedModelPath"/>, or fresh weights. It must be the same kind
    /// of network reading the same features; a text model's vocabulary is kept. The model is only read: dispose it after
    /// the fit. Default null.</value>
    public DeepPredictionTransformer? Pretrained { get; set; }

    /// <summary>Gets or sets the processes that train this model together, data-parallel (for example an
    /// <see cref="MpiProcessGroup"/> under mpirun).</summary>
    /// <value>null trains in this process alone. Every process of the group runs the same <c>Fit</c> with the same options
    /// and data; each takes its slice of every batch (the batch is <see cref="DeepTrainerOptions.BatchSize"/> rows over
    /// the whole group), the gradients are summed over the group before every step, and every process ends with the same
    /// weights, equal to one process's training within float rounding. Only rank 0 reports progress and writes the log;
    /// every process returns the model, so save it on rank 0. Combines with <see cref="DeepTrainerOptions.Replicas"/>,
    /// which cut each process's slice further. Default null.</value>
    public IProcessGroup? ProcessGroup { get; set; }

    /// <summary>Gets or sets the token that stops training before the next batch; the fit then throws <see cref="OperationCanceledException"/>.</summary>
    /// <value>Default <see cref="CancellationToken.None"/>.</value>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Copies this context: the copy refers to the same validation data, progress, teacher, pretrained model and
    /// token, and setting one of its members leaves this context as it is.</summary>
    /// <returns>The copy.</returns>
    public DeepFitContext Clone() => (DeepFitContext)MemberwiseClone();

    /// <summary>Checks this context with the options it goes with when the trainer is made and when it fits: a disposed teacher is an
    /// <see cref="ArgumentException"/>, and early stopping without validation data an <see cref="ArgumentOutOfRangeException"/>.</summary>
    /// <param name="options">The trainer's options.</param>
    internal void Check(DeepTrainerOptions options)
    {
        if (Teacher != null)
        {
            Distillation.CheckAlive(Teacher);
        }

        FineTuning.Check(options, this);

        if (options.EarlyStoppingPatience > 0 && ValidationSet == null && options.ValidationFraction == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.ValidationFraction), options.ValidationFraction, $"Early stopping needs validation data: set `{nameof(DeepTrainerOptions.ValidationFraction)}` > 0 or the fit context's `{nameof(ValidationSet)}`, or turn early stopping off with `{nameof(DeepTrainerOptions.EarlyStoppingPatience)}` = 0.");
        }
    }
}
