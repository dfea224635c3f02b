// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Runs one trial: trains and evaluates the configuration in <see cref="TrialSettings.Parameter"/>.
/// </summary>
public interface ITrialRunner : IDisposable
{
    /// <summary>Runs a trial.</summary>
    /// <param name="settings">The trial's id and configuration.</param>
    /// <param name="cancellationToken">Stops the trial early; the runner should throw
    /// <see cref="OperationCanceledException"/> when it fires.</param>
    /// <returns>The trial's result; a NaN loss or an exception marks it failed.</returns>
    Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken);
}
