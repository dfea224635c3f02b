// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Reports.Sweep;

/// <summary>What a sweep report shows besides its trials.</summary>
public sealed class SweepReportOptions
{
    /// <summary>Gets or sets the report's title.</summary>
    /// <value>Any text; "DeepOpt sweep report" by default.</value>
    public string Title { get; set; } = "DeepOpt sweep report";

    /// <summary>Gets or sets the name of the metric the trials report, for the table's header.</summary>
    /// <value>For example "MacroAccuracy"; "Metric" by default.</value>
    public string MetricName { get; set; } = "Metric";

    /// <summary>Gets or sets the objectives and constraints of a multi-objective sweep.</summary>
    /// <value>Null (the default) for a single objective; with objectives, the report adds the Pareto front (a scatter
    /// for two objectives, a matrix of pairs for more), the hypervolume over trials and the trade-off table.</value>
    public AutoML.MultiObjective.ObjectiveSet? Objectives { get; set; }

    /// <summary>Gets or sets the seed of the forest behind parameter importance.</summary>
    /// <value>Any integer; 0 by default.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets the width in pixels of each figure.</summary>
    /// <value>At least 100; 900 by default.</value>
    public int FigureWidth { get; set; } = 900;

    /// <summary>Gets or sets the height in pixels of each figure.</summary>
    /// <value>At least 100; 500 by default.</value>
    public int FigureHeight { get; set; } = 500;
}
