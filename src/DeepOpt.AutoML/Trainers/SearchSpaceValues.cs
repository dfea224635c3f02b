// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;

namespace DeepOpt.AutoML;

/// <summary>Turns the values every default search space shares into trainer options.</summary>
internal static class SearchSpaceValues
{
    public static void ApplyCommon(
        DeepTrainerOptions options, string optimizer, double learningRate, string schedule, double weightDecay, int batchSize, int epochs)
    {
        options.Optimizer = Parse<OptimizerKind>(optimizer, nameof(options.Optimizer));
        options.LearningRate = learningRate;
        options.Schedule = Parse<ScheduleKind>(schedule, nameof(options.Schedule));
        options.WeightDecay = weightDecay;
        options.BatchSize = batchSize;
        options.Epochs = epochs;
        if (options.Schedule == ScheduleKind.Step)
        {
            // A step schedule that decays a third of the way through, whatever the epochs.
            options.StepSize = Math.Max(1, epochs / 3);
        }
    }

    public static T Parse<T>(string value, string option)
        where T : struct, Enum
        => Enum.TryParse<T>(value, ignoreCase: true, out var parsed)
            ? parsed
            : throw new ArgumentOutOfRangeException(option, value,
                $"The search space gave `{option}` = '{value}', which is not one of {string.Join(", ", Enum.GetNames<T>())}: fix the choice's candidates.");
}
