// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// A trial store could not do its work: the database is unreachable, locked, corrupt or refuses the credentials, or
/// the sweep stored there does not match the experiment. The message names the store, what went wrong and the fix.
/// </summary>
public sealed class TrialStoreException : Exception
{
    /// <summary>Initializes the exception.</summary>
    public TrialStoreException()
    {
    }

    /// <summary>Initializes the exception with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public TrialStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The driver's exception.</param>
    public TrialStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
