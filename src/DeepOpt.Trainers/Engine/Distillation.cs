// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Knowledge distillation (Hinton et al., 2015): the loss becomes (1 − α) · label loss + α · T² · KL(p_teacher ‖ p_student),
/// both distributions softened by the temperature T. The teacher runs in evaluation mode without gradients on the same
/// (augmented) batch as the student. A binary model's one logit z counts as the two class logits (0, z).
/// </summary>
internal sealed class Distillation
{
    private readonly DeepPredictionTransformer _teacher;
    private readonly double _temperature;
    private readonly double _alpha;

    public Distillation(DeepPredictionTransformer teacher, double temperature, double alpha)
    {
        _teacher = teacher;
        _temperature = temperature;
        _alpha = alpha;
    }

    /// <summary>Checks that the teacher fits the student's task and data, before training.</summary>
    public static void Check(DeepPredictionTransformer teacher, PredictionKind task, int classCount, int featureSize)
    {
        if (teacher.Task != task || task == PredictionKind.Regression)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Teacher), $"The `Teacher` is a {teacher.Task} model, but distillation needs a classifier of the student's task ({task}).");
        }

        if (teacher.Description.ClassCount != classCount || teacher.Description.Features.Size != featureSize)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Teacher), $"The `Teacher` has {teacher.Description.ClassCount} classes and reads {teacher.Description.Features.Size} features, but the student's data has {classCount} classes and {featureSize} features in '{teacher.FeatureColumnName}'. Train the teacher on data prepared the same way.");
        }
    }

    /// <summary>Mixes the label loss with the distillation term for one batch.</summary>
    public Tensor Mix(Tensor studentOutput, Tensor input, Tensor labelLoss)
    {
        Tensor teacherOutput;
        using (torch.no_grad())
        {
            _teacher.Network.eval();
            teacherOutput = _teacher.Network.forward(input.to(_teacher.Device)).to(studentOutput.device);
        }

        var studentLog = (ClassLogits(studentOutput) / _temperature).log_softmax(1);
        var teacherLog = (ClassLogits(teacherOutput) / _temperature).log_softmax(1);
        var divergence = (teacherLog.exp() * (teacherLog - studentLog)).sum(1).mean();
        return ((1 - _alpha) * labelLoss) + (_alpha * _temperature * _temperature * divergence);
    }

    private static Tensor ClassLogits(Tensor output) =>
        output.shape[1] == 1 ? torch.cat(new[] { torch.zeros_like(output), output }, 1) : output;
}
