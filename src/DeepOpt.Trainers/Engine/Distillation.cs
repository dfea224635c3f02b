// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Knowledge distillation (Hinton et al., 2015): the loss becomes (1 − α) · label loss + α · T² · KL(p_teacher ‖ p_student),
/// both distributions softened by the temperature T. The teacher runs in evaluation mode without gradients on the same
/// (augmented) batch as the student. A binary model's one logit z counts as the two class logits (0, z).
/// </summary>
/// <remarks>
/// A student and a teacher that read text each have the vocabulary built at their own <c>Fit</c>, so the same word can
/// have other ids in the two. The student's ids are translated word by word into the teacher's (a word the teacher
/// does not know becomes its out-of-vocabulary id) before the teacher sees a batch.
/// </remarks>
internal sealed class Distillation : IDisposable
{
    private readonly ITeacher _teacher;
    private readonly double _temperature;
    private readonly double _alpha;
    private readonly Tensor? _teacherIds;

    public Distillation(ITeacher teacher, FeatureSpec student, double temperature, double alpha)
    {
        _teacher = teacher;
        _temperature = temperature;
        _alpha = alpha;
        _teacherIds = TeacherIds(teacher.Description.Features.Tokens, student.Tokens, teacher.Device);
    }

    /// <summary>Checks that the teacher fits the student's task and data, before training.</summary>
    public static void Check(ITeacher teacher, PredictionKind task, int classCount, FeatureSpec student)
    {
        CheckAlive(teacher);
        if (teacher.Description.Task != task || task == PredictionKind.Regression)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepFitContext.Teacher), $"The `Teacher` is a {teacher.Description.Task} model, but distillation needs a classifier of the student's task ({task}).");
        }

        var features = teacher.Description.Features;
        if (teacher.Description.ClassCount != classCount || features.Size != student.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepFitContext.Teacher), $"The `Teacher` has {teacher.Description.ClassCount} classes and reads {features.Size} features, but the student's data has {classCount} classes and {student.Size} features in '{student.ColumnName}'. Train the teacher on data prepared the same way.");
        }

        string? difference = TokenDifference(features.Tokens, student.Tokens);
        if (difference != null)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepFitContext.Teacher), $"The `Teacher` {difference}, so it cannot read the student's token ids in '{student.ColumnName}'. Give the student the teacher's token settings and the same kind of column.");
        }
    }

    /// <summary>Checks that the teacher has not been disposed, so that the first batch does not find it freed.</summary>
    public static void CheckAlive(ITeacher teacher)
    {
        if (teacher.IsDisposed)
        {
            throw new ArgumentException($"The `Teacher` was disposed before the student's Fit, so it has no weights to teach with. Keep the teacher undisposed until the student's Fit returns: dispose it after (a PredictionEngine made from it with default options disposes it too; pass new PredictionEngineOptions {{ OwnsTransformer = false }}).", nameof(DeepFitContext.Teacher));
        }
    }

    /// <summary>Mixes the label loss with the distillation term for one batch.</summary>
    /// <param name="studentOutput">The student's outputs for the batch.</param>
    /// <param name="input">The batch, as the student saw it.</param>
    /// <param name="labelLoss">The label loss of the batch.</param>
    /// <param name="rowShare">The batch's rows over those of the whole batch it is a slice of (replicas), else 1: it
    /// scales the distillation term, a mean over rows.</param>
    public Tensor Mix(Tensor studentOutput, Tensor input, Tensor labelLoss, double rowShare = 1)
    {
        Tensor teacherOutput;
        // The lease turns a teacher disposed by another thread during training into an ObjectDisposedException.
        using (_teacher.Lease("teach"))
        using (torch.no_grad())
        {
            _teacher.Network.eval();
            var teacherInput = input.to(_teacher.Device);
            if (_teacherIds is not null)
            {
                teacherInput = _teacherIds.index_select(0, teacherInput.flatten().to(ScalarType.Int64)).reshape(teacherInput.shape);
            }

            teacherOutput = _teacher.Network.forward(teacherInput).to(studentOutput.device);
        }

        // Each Scalar is held across the native calls that read it (STYLE: no implicit Scalar temporaries).
        using Scalar temperature = _temperature.ToScalar(), labelWeight = (1 - _alpha).ToScalar(), divergenceWeight = (_alpha * _temperature * _temperature * rowShare).ToScalar();
        var studentLog = ClassLogits(studentOutput).div(temperature).log_softmax(1);
        var teacherLog = ClassLogits(teacherOutput).div(temperature).log_softmax(1);
        var divergence = (teacherLog.exp() * (teacherLog - studentLog)).sum(1).mean();
        return labelLoss.mul(labelWeight) + divergence.mul(divergenceWeight);
    }

    /// <inheritdoc/>
    public void Dispose() => _teacherIds?.Dispose();

    private static Tensor ClassLogits(Tensor output) =>
        output.shape[1] == 1 ? torch.cat(new[] { torch.zeros_like(output), output }, 1) : output;

    /// <summary>What keeps the teacher from reading the student's token ids, or null when it can.</summary>
    private static string? TokenDifference(TokenSpec? teacher, TokenSpec? student)
    {
        if (teacher == null && student == null)
        {
            return null;
        }

        if (teacher == null || student == null || teacher.Source != student.Source)
        {
            return $"reads {teacher?.Describe() ?? "numbers"} and the student {student?.Describe() ?? "numbers"}";
        }

        if (teacher.Truncation != student.Truncation)
        {
            return $"keeps the {teacher.Truncation.ToString().ToLowerInvariant()} of long sequences and the student the {student.Truncation.ToString().ToLowerInvariant()} (`Truncation`)";
        }

        if (teacher.Vocabulary is { } theirs && student.Vocabulary is { } ours)
        {
            return theirs.SplitsLike(ours) ? null
                : $"splits text into {theirs.Describe()} and the student into {ours.Describe()} (`Tokenization`, `LowerCase`, `WordNGramLength`, `CharacterNGramLength`)";
        }

        // A model saved before key columns had a vocabulary reads key k as id k + 1; only the same kind of model can match it.
        return teacher.Vocabulary != null || student.Vocabulary != null || teacher.IdCount != student.IdCount
            ? $"reads {teacher.Describe()} and the student {student.Describe()}"
            : null;
    }

    /// <summary>The teacher's id of each of the student's text ids, or null when the ids already agree.</summary>
    private static Tensor? TeacherIds(TokenSpec? teacher, TokenSpec? student, Device device)
    {
        if (teacher?.Vocabulary is not { } theirs || student?.Vocabulary is not { } ours || theirs.Words.SequenceEqual(ours.Words))
        {
            return null;
        }

        var ids = new float[ours.IdCount];
        ids[Vocabulary.UnknownId] = Vocabulary.UnknownId;
        for (int i = 0; i < ours.Words.Count; i++)
        {
            string word = ours.Words[i];
            ids[Vocabulary.FirstWordId + i] = theirs.IdOf(theirs.LowerCase ? word.ToLowerInvariant() : word);
        }

        return torch.tensor(ids, device: device);
    }
}
