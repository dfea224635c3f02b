// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// Who runs a trial: a worker id unique within the sweep, and the machine and process it runs in.
/// </summary>
/// <param name="WorkerId">The worker's id.</param>
/// <param name="Host">The machine's name.</param>
/// <param name="ProcessId">The process id on that machine.</param>
public sealed record WorkerIdentity(string WorkerId, string Host, int ProcessId)
{
    /// <summary>Describes this process as a worker.</summary>
    /// <param name="workerId">The id, or null for <c>host-pid-random</c>.</param>
    /// <returns>The identity.</returns>
    public static WorkerIdentity ForThisProcess(string? workerId = null)
    {
        string host = Environment.MachineName;
        int pid = Environment.ProcessId;
        return new WorkerIdentity(workerId ?? $"{host}-{pid}-{Random.Shared.Next(0x10000):x4}", host, pid);
    }

    /// <summary>Gets a value indicating whether this worker ran on this machine in a process that has ended.</summary>
    /// <remarks>Only stores whose workers all share one machine (SQLite) use it: elsewhere a process id may belong
    /// to another container with the same host name.</remarks>
    internal bool IsDeadLocalProcess
    {
        get
        {
            if (!string.Equals(Host, Environment.MachineName, StringComparison.Ordinal) || ProcessId == Environment.ProcessId)
            {
                return false;
            }

            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(ProcessId);
                return process.HasExited;
            }
            catch (ArgumentException)
            {
                return true;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }
}
