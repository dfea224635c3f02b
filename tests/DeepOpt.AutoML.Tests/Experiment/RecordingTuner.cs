// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Experiment;

/// <summary>A tuner that records what it is told, and whether it had proposed anything by then, around another tuner.</summary>
internal sealed class RecordingTuner(ITuner inner) : ITuner
{
    /// <summary>Gets every result the tuner was told, in order, with whether a proposal had been made before it.</summary>
    public List<(TrialResult Result, bool AfterAProposal)> Updates { get; } = [];

    /// <summary>Gets every proposal, in order.</summary>
    public List<Parameter> Proposals { get; } = [];

    public Parameter Propose(TrialSettings settings)
    {
        var proposal = inner.Propose(settings);
        Proposals.Add(proposal);
        return proposal;
    }

    public void Update(TrialResult result)
    {
        Updates.Add((result, Proposals.Count > 0));
        inner.Update(result);
    }

    public void ReportPending(TrialSettings settings) => inner.ReportPending(settings);
}

/// <summary>Earlier trials to warm-start from: the proposals of a tuner run on an objective, as finished results.</summary>
internal static class EarlierTrials
{
    public static List<TrialResult> Of(ITuner tuner, Func<Parameter, double> objective, int count)
    {
        var proposals = Tuners.TestObjectives.Run(tuner, objective, count).Proposals;
        return proposals.Select((p, id) => Completed(id, p, objective(p))).ToList();
    }

    public static TrialResult Completed(int id, Parameter parameter, double loss, TrialState state = TrialState.Completed) => new()
    {
        TrialSettings = new TrialSettings { TrialId = id, Parameter = parameter },
        Loss = loss,
        Metric = -loss,
        DurationInMilliseconds = 10,
        State = state,
    };
}
