// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using DeepOpt.Trainers;

/// <summary>The LSTM of the text bench (issue 5's model), shared with bench/parallel so that both train the same network.</summary>
internal static class BenchLstm
{
    /// <summary>A bidirectional LSTM with max pooling over 96 tokens of a 20,000-word vocabulary.</summary>
    public static LstmOptions Options(int epochs, int seed, int threads, int batchSize = 32) => new()
    {
        FeatureColumnName = "Text", MaxSequenceLength = 96, MaxVocabularySize = 20000, MinFrequency = 2, EmbeddingSize = 64, HiddenSize = 64,
        Bidirectional = true, Pooling = SequencePoolingKind.Max, Dropout = 0.3, LearningRate = 2e-3, BatchSize = batchSize, Epochs = epochs,
        GradientClipNorm = 5, Seed = seed, ThreadCount = threads,
    };
}

/// <summary>Records the process's CPU time when each epoch ends; called synchronously on the training thread.</summary>
internal sealed class EpochCpu(List<double> cpuAtEpochEnd) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => cpuAtEpochEnd.Add(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
}
