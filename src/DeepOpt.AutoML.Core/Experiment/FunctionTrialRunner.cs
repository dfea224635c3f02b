// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// A trial runner around a function that returns the loss of a configuration; the metric is the loss and the
/// duration is measured.
/// </summary>
public sealed class FunctionTrialRunner : ITrialRunner
{
    private readonly Func<Parameter, CancellationToken, Task<double>> _loss;

    /// <summary>Initializes a runner from an asynchronous loss function.</summary>
    /// <param name="loss">Returns the loss of a configuration; may throw, or return NaN for a failed trial.</param>
    public FunctionTrialRunner(Func<Parameter, CancellationToken, Task<double>> loss)
    {
        _loss = loss ?? throw new ArgumentNullException(nameof(loss));
    }

    /// <summary>Initializes a runner from a synchronous loss function.</summary>
    /// <param name="loss">Returns the loss of a configuration; may throw, or return NaN for a failed trial.</param>
    public FunctionTrialRunner(Func<Parameter, double> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _loss = (parameter, _) => Task.FromResult(loss(parameter));
    }

    /// <inheritdoc/>
    public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        double loss = await _loss(settings.Parameter, cancellationToken).ConfigureAwait(false);
        return new TrialResult
        {
            TrialSettings = settings,
            Loss = loss,
            Metric = loss,
            DurationInMilliseconds = clock.Elapsed.TotalMilliseconds,
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing to release: the function owns no resources of the runner.
    }
}
