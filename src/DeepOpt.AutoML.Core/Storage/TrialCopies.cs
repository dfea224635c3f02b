// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Storage;

/// <summary>Snapshots of trials, and the wording of a reclaimed trial, shared by every store.</summary>
internal static class TrialCopies
{
    /// <summary>A new running trial.</summary>
    public static TrialResult Running(int trialId, Parameter parameter, DateTime startedAtUtc) => new()
    {
        TrialSettings = new TrialSettings { TrialId = trialId, Parameter = parameter, StartedAtUtc = startedAtUtc },
        State = TrialState.Running,
        Loss = double.NaN,
        Metric = double.NaN,
    };

    /// <summary>Why a running trial was taken from its worker.</summary>
    public static string ReclaimMessage(string deadWorker, TimeSpan silence, TimeSpan timeout, bool processGone, string reclaimer)
    {
        string why = processGone
            ? "its process on this machine has ended"
            : $"it sent no heartbeat for {silence.TotalSeconds:F0} s (timeout {timeout.TotalSeconds:F0} s)";
        return $"Worker '{deadWorker}' stopped while running this trial: {why}. Worker '{reclaimer}' marked the trial "
            + "failed; it counts once against the trial budget and is not re-run.";
    }

    /// <summary>Whether a running trial is abandoned.</summary>
    public static bool IsAbandoned(TimeSpan silence, TimeSpan timeout, WorkerIdentity owner, bool checkLocalProcess, out bool processGone)
    {
        processGone = checkLocalProcess && owner.IsDeadLocalProcess;
        return processGone || silence > timeout;
    }
}
