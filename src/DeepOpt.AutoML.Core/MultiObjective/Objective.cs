// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.MultiObjective;

/// <summary>Which way an objective is better.</summary>
public enum ObjectiveDirection
{
    /// <summary>Smaller is better (a loss, a latency, a size).</summary>
    Minimize,

    /// <summary>Larger is better (an accuracy, an F1 score).</summary>
    Maximize,
}

/// <summary>
/// One objective of a multi-objective experiment: a named value of every completed trial and the direction in which it
/// is better. The value is the trial's metric of that name (<see cref="TrialResult.Metrics"/>, where the trial runner
/// puts every metric of ML.NET's evaluators and DeepOpt's measures, see <c>TrialMeasures</c>), or a function of the trial.
/// </summary>
public sealed class Objective
{
    private readonly Func<TrialResult, double>? _value;

    /// <summary>Initializes an objective read from the trial's metric <paramref name="name"/>.</summary>
    /// <param name="name">The metric's name in <see cref="TrialResult.Metrics"/>, for example "MacroAccuracy".</param>
    /// <param name="direction">Which way is better.</param>
    public Objective(string name, ObjectiveDirection direction)
        : this(name, direction, null)
    {
    }

    /// <summary>Initializes an objective computed from the trial by a function of the user's.</summary>
    /// <param name="name">The objective's name, under which the experiment records its value in the trial's metrics.</param>
    /// <param name="direction">Which way is better.</param>
    /// <param name="value">Computes the value from the finished trial (its metrics, its duration, its model).</param>
    public Objective(string name, ObjectiveDirection direction, Func<TrialResult, double>? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, $"`{nameof(direction)}` must be Minimize or Maximize, but got {direction}.");
        }

        Name = name;
        Direction = direction;
        _value = value;
    }

    /// <summary>Gets the objective's name.</summary>
    public string Name { get; }

    /// <summary>Gets which way the objective is better.</summary>
    public ObjectiveDirection Direction { get; }

    /// <summary>Gets a value indicating whether a function computes the value (rather than the trial's metric).</summary>
    public bool IsComputed => _value != null;

    /// <summary>An objective to maximize, read from the trial's metric <paramref name="name"/>.</summary>
    /// <param name="name">The metric's name.</param>
    /// <returns>The objective.</returns>
    public static Objective Maximize(string name) => new(name, ObjectiveDirection.Maximize);

    /// <summary>An objective to minimize, read from the trial's metric <paramref name="name"/>.</summary>
    /// <param name="name">The metric's name.</param>
    /// <returns>The objective.</returns>
    public static Objective Minimize(string name) => new(name, ObjectiveDirection.Minimize);

    /// <summary>The training time of the trial in seconds (its <see cref="TrialResult.DurationInMilliseconds"/>), minimized.</summary>
    /// <returns>The objective "TrainingTimeInSeconds".</returns>
    public static Objective TrainingTime() => new("TrainingTimeInSeconds", ObjectiveDirection.Minimize, r => r.DurationInMilliseconds / 1000);

    /// <summary>The objective's value for a trial, as the user reads it; NaN when the trial has no such metric.</summary>
    /// <param name="result">The trial.</param>
    /// <returns>The value.</returns>
    public double ValueOf(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Metrics.TryGetValue(Name, out double recorded))
        {
            return recorded;
        }

        return _value?.Invoke(result) ?? double.NaN;
    }

    /// <summary>The value turned into a loss (minimized): the value itself, or its negative for a maximized objective.</summary>
    internal double LossOf(TrialResult result) => Direction == ObjectiveDirection.Minimize ? ValueOf(result) : -ValueOf(result);

    /// <inheritdoc/>
    public override string ToString() => $"{(Direction == ObjectiveDirection.Maximize ? "maximize" : "minimize")} {Name}";
}
