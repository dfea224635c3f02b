// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.MultiObjective;

/// <summary>
/// A feasibility constraint of an experiment, such as <c>LatencyInMilliseconds &lt;= 0.5</c> or
/// <c>ParameterCount &lt;= 100000</c>: a trial that breaks it is completed but infeasible, never on the Pareto front,
/// and the multi-objective tuners model the constrained value to propose points that likely keep it. It is not a
/// penalty added to an objective.
/// </summary>
public sealed class Constraint
{
    private readonly Func<TrialResult, double>? _value;

    private Constraint(string name, double limit, bool isUpperBound, Func<TrialResult, double>? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!double.IsFinite(limit))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The limit of constraint `{name}` must be finite, but got {limit}.");
        }

        Name = name;
        Limit = limit;
        IsUpperBound = isUpperBound;
        _value = value;
    }

    /// <summary>Gets the constrained value's name: a metric of the trial, or the name given to a function.</summary>
    public string Name { get; }

    /// <summary>Gets the limit.</summary>
    public double Limit { get; }

    /// <summary>Gets a value indicating whether a function computes the value (rather than the trial's metric).</summary>
    public bool IsComputed => _value != null;

    /// <summary>Gets a value indicating whether the value must stay at or below <see cref="Limit"/> (else at or above).</summary>
    public bool IsUpperBound { get; }

    /// <summary>The value must be at most <paramref name="limit"/>.</summary>
    /// <param name="name">A metric of the trial (<see cref="TrialResult.Metrics"/>).</param>
    /// <param name="limit">The largest feasible value.</param>
    /// <param name="value">Computes the value from the trial instead of reading the metric; optional.</param>
    /// <returns>The constraint.</returns>
    public static Constraint AtMost(string name, double limit, Func<TrialResult, double>? value = null) => new(name, limit, true, value);

    /// <summary>The value must be at least <paramref name="limit"/>.</summary>
    /// <param name="name">A metric of the trial (<see cref="TrialResult.Metrics"/>).</param>
    /// <param name="limit">The smallest feasible value.</param>
    /// <param name="value">Computes the value from the trial instead of reading the metric; optional.</param>
    /// <returns>The constraint.</returns>
    public static Constraint AtLeast(string name, double limit, Func<TrialResult, double>? value = null) => new(name, limit, false, value);

    /// <summary>Reads a constraint written as "name &lt;= limit" or "name &gt;= limit" (as the CLI's <c>constraints:</c> do).</summary>
    /// <param name="text">For example "LatencyInMilliseconds &lt;= 0.5".</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static Constraint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (op, upper) in new[] { ("<=", true), (">=", false) })
        {
            int at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0 && double.TryParse(text[(at + 2)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double limit))
            {
                return new Constraint(text[..at].Trim(), limit, upper, null);
            }
        }

        throw new FormatException($"The constraint '{text}' is not of the form `name <= limit` or `name >= limit`, for example `LatencyInMilliseconds <= 0.5`.");
    }

    /// <summary>The constrained value for a trial; NaN when the trial has no such metric.</summary>
    /// <param name="result">The trial.</param>
    /// <returns>The value.</returns>
    public double ValueOf(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Metrics.TryGetValue(Name, out double recorded) ? recorded : _value?.Invoke(result) ?? double.NaN;
    }

    /// <summary>How far the trial is beyond the limit, signed: at most 0 when it keeps the constraint. A missing or NaN
    /// value is infinitely far (infeasible).</summary>
    /// <param name="result">The trial.</param>
    /// <returns>The signed excess.</returns>
    public double ExcessOf(TrialResult result)
    {
        double value = ValueOf(result);
        return double.IsNaN(value) ? double.PositiveInfinity : IsUpperBound ? value - Limit : Limit - value;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {(IsUpperBound ? "<=" : ">=")} {Limit}");
}
