// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Thrown by <see cref="TuningExperiment.Ask"/> when every configuration of a finite search space has been evaluated
/// in the sweep. <see cref="TuningExperiment.RunAsync"/> does not throw it: the sweep ends and
/// <see cref="TuningExperiment.StopReason"/> holds the message.
/// </summary>
public sealed class SearchSpaceExhaustedException : InvalidOperationException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public SearchSpaceExhaustedException()
        : base("Every configuration of the search space has been evaluated.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What was exhausted.</param>
    public SearchSpaceExhaustedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and an inner exception.</summary>
    /// <param name="message">What was exhausted.</param>
    /// <param name="innerException">The cause.</param>
    public SearchSpaceExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance with a message and the size of the space.</summary>
    /// <param name="message">What was exhausted.</param>
    /// <param name="spaceSize">The number of configurations of the space.</param>
    public SearchSpaceExhaustedException(string message, long spaceSize)
        : base(message)
    {
        SpaceSize = spaceSize;
    }

    /// <summary>Gets the number of configurations of the exhausted space.</summary>
    /// <value>At least 1; 0 when not given.</value>
    public long SpaceSize { get; }
}
