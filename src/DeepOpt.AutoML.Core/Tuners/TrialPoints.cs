// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// A tuner's trials as points of the unit cube: the configurations tried (never proposed again), the running trials'
/// points, and how many slots of an initial design are taken. A trial the tuner did not propose (another worker's,
/// a replayed one, or a repeat the experiment replaced) is put at its configuration's point and takes a slot, so that
/// workers sharing a seed spread over the design.
/// </summary>
internal sealed class TrialPoints(SearchSpace.SearchSpace space, CandidateSampler sampler)
{
    private readonly HashSet<string> _seen = [];

    /// <summary>Gets the running trials' points, by trial id.</summary>
    public Dictionary<int, double[]> Pending { get; } = [];

    /// <summary>Gets how many trials were proposed or heard of: the next free slot of an initial design.</summary>
    public int Taken { get; private set; }

    /// <summary>Marks the configuration of <paramref name="point"/> tried; false when it was tried already.</summary>
    public bool TryClaim(double[] point) => _seen.Add(space.SampleFromFeatureSpace(point).ToJson());

    /// <summary>Records the point proposed for a trial and returns its configuration.</summary>
    public Parameter Propose(int trialId, double[] point)
    {
        Taken++;
        Pending[trialId] = point;
        return space.SampleFromFeatureSpace(point);
    }

    /// <summary>Records a running trial the tuner did not propose.</summary>
    public void ReportPending(TrialSettings settings)
    {
        if (space.FeatureSpaceDim > 0 && !Pending.ContainsKey(settings.TrialId))
        {
            Pending[settings.TrialId] = Foreign(settings.Parameter);
        }
    }

    /// <summary>The point of a finished trial: the one proposed for it if that is what ran, else its configuration's.</summary>
    public double[] Finish(TrialResult result)
    {
        if (!Pending.Remove(result.TrialSettings.TrialId, out var point)
            || space.SampleFromFeatureSpace(point).ToJson() != result.TrialSettings.Parameter.ToJson())
        {
            point = Foreign(result.TrialSettings.Parameter);
        }

        return point;
    }

    private double[] Foreign(Parameter parameter)
    {
        var point = sampler.Snap(space.MappingToFeatureSpace(parameter));
        _seen.Add(space.SampleFromFeatureSpace(point).ToJson());
        Taken++;
        return point;
    }
}
