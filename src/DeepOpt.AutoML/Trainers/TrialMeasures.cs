// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.AutoML;

/// <summary>
/// The names of what a DeepOpt trial measures besides ML.NET's metrics, as objectives and constraints name them; the
/// trial runner puts each into the trial's <c>Metrics</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><see cref="ParameterCount"/> and <see cref="TrainingTimeInSeconds"/>: always. The parameter count
/// also goes with every epoch's intermediate value, so <see cref="Pruners.ParetoPruner"/> can compare running trials on
/// it.</description></item>
/// <item><description><see cref="ModelSizeInBytes"/>: the network saved by <c>SaveDeepOpt</c> (the featurizer, shared
/// by every trial, is not counted); only when an objective or a constraint names it.</description></item>
/// <item><description><see cref="LatencyInMilliseconds"/>: single-row prediction by the fitted network on one featurized
/// validation row, on the trial's thread: <see cref="LatencyWarmUp"/> predictions to warm up, then the median of
/// <see cref="LatencyRepeats"/> timed ones, each a Transform and a cursor reading the row's score (what a prediction
/// engine does per call). Only when an objective or a constraint names it.</description></item>
/// </list>
/// </remarks>
public static class TrialMeasures
{
    /// <summary>The network's number of trainable weights.</summary>
    public const string ParameterCount = "ParameterCount";

    /// <summary>The size of the saved network in bytes.</summary>
    public const string ModelSizeInBytes = "ModelSizeInBytes";

    /// <summary>The median single-row prediction time in milliseconds.</summary>
    public const string LatencyInMilliseconds = "LatencyInMilliseconds";

    /// <summary>The trial's training and evaluation time in seconds.</summary>
    public const string TrainingTimeInSeconds = "TrainingTimeInSeconds";

    /// <summary>Predictions before timing starts.</summary>
    public const int LatencyWarmUp = 5;

    /// <summary>Timed predictions; their median is the latency.</summary>
    public const int LatencyRepeats = 21;

    /// <summary>Whether an objective or a constraint of <paramref name="objectives"/> names <paramref name="measure"/>.</summary>
    internal static bool Named(ObjectiveSet? objectives, string measure) =>
        objectives != null && (objectives.Objectives.Any(o => o.Name == measure) || objectives.Constraints.Any(c => c.Name == measure));

    /// <summary>Measures a fitted network; the expensive measures only when <paramref name="objectives"/> name them.</summary>
    internal static Dictionary<string, double> Measure(MLContext ml, ITransformer network, IDataView validation, ObjectiveSet? objectives)
    {
        var measures = new Dictionary<string, double>();
        if (network is DeepPredictionTransformer deep)
        {
            measures[ParameterCount] = deep.ParameterCount;
        }

        if (Named(objectives, ModelSizeInBytes))
        {
            using var stream = new MemoryStream();
            ml.Model.SaveDeepOpt(network, validation.Schema, stream);
            measures[ModelSizeInBytes] = stream.Length;
        }

        if (Named(objectives, LatencyInMilliseconds))
        {
            measures[LatencyInMilliseconds] = Latency(ml, network, validation);
        }

        return measures;
    }

    private static double Latency(MLContext ml, ITransformer network, IDataView validation)
    {
        var row = ml.Data.Cache(ml.Data.TakeRows(validation, 1));
        var times = new List<double>();
        for (int i = 0; i < LatencyWarmUp + LatencyRepeats; i++)
        {
            long started = Stopwatch.GetTimestamp();
            var scored = network.Transform(row);
            var score = scored.Schema["Score"];
            using (var cursor = scored.GetRowCursor([score]))
            {
                cursor.MoveNext();
                if (score.Type is VectorDataViewType)
                {
                    VBuffer<float> value = default;
                    cursor.GetGetter<VBuffer<float>>(score)(ref value);
                }
                else
                {
                    float value = 0;
                    cursor.GetGetter<float>(score)(ref value);
                }
            }

            if (i >= LatencyWarmUp)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
