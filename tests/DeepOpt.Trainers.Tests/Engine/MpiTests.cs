// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Globalization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// Data-parallel training over Open MPI: tests/DeepOpt.MpiCheck trained alone and as the 2 ranks of an mpirun job,
/// and a job in which one rank dies or hangs. Needs Debian's openmpi-bin (CI installs it; the tests fail without it).
/// </summary>
[TestClass]
public sealed class MpiTests
{
    private static readonly string s_check = FreshProcess.ProgramPath("MpiCheck");

    [TestMethod]
    public void Mpirun_TwoRanks_GiveTheWeightsOfOneProcess()
    {
        using var folder = new TempFolder();
        string alone = folder.File("alone.txt"), two = folder.File("two.txt");
        var (aloneCode, aloneOutput) = Run(["dotnet", s_check, alone]);
        Assert.AreEqual(0, aloneCode, aloneOutput);
        var (code, output) = Run(["mpirun", "-np", "2", "dotnet", s_check, two, "--mpi"]);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "rank 1 of 2 done");
        var expected = File.ReadAllLines(alone).Select(line => double.Parse(line, CultureInfo.InvariantCulture)).ToArray();
        var actual = File.ReadAllLines(two).Select(line => double.Parse(line, CultureInfo.InvariantCulture)).ToArray();
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-5 + (1e-4 * Math.Abs(expected[i])), $"line {i} (the first 3 are the epochs' train losses, then the scores of 50 rows)");
        }
    }

    [TestMethod]
    public void Mpirun_ARankDies_EndsTheJobWithAnError()
    {
        using var folder = new TempFolder();
        var (code, output) = Run(["mpirun", "-np", "2", "dotnet", s_check, folder.File("w.txt"), "--mpi", "--fault", "die"]);
        Assert.AreNotEqual(0, code, output);
        StringAssert.Contains(output, "rank 1 with PID");
        Assert.IsFalse(File.Exists(folder.File("w.txt")), "no model is written");
    }

    [TestMethod]
    public void Mpirun_ARankHangs_TheOthersTimeOutAndEndTheJob()
    {
        using var folder = new TempFolder();
        var (code, output) = Run(["mpirun", "-np", "2", "dotnet", s_check, folder.File("w.txt"), "--mpi", "--fault", "hang", "--timeout-seconds", "5"]);
        Assert.AreNotEqual(0, code, output);
        StringAssert.Contains(output, "System.TimeoutException: Rank 0 of 2 waited more than 5 s for the other processes");

        // That the job ended at all is the point (Run fails after 5 minutes): rank 0's group called MPI_Abort, which ends
        // rank 1 too. mpirun's own note of the abort is not asserted: Open MPI sometimes fails to print it
        // ("ORTE_ERROR_LOG: Data unpack would read past end of buffer ... show_help.c").
        Assert.IsFalse(File.Exists(folder.File("w.txt")), "no model is written");
    }

    [TestMethod]
    public void Open_NonPositiveTimeout_NamesTheTimeout()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MpiProcessGroup.Open(TimeSpan.Zero));
        Assert.AreEqual("timeout", error.ParamName);
    }

    /// <summary>Runs a command with Open MPI's settings for a root user in a container, and kills it after 5 minutes.</summary>
    private static (int ExitCode, string Output) Run(string[] command)
    {
        if (command[0] == "mpirun" && !File.Exists("/usr/bin/mpirun"))
        {
            Assert.Fail("mpirun is missing: install Open MPI (on Debian: apt-get install openmpi-bin libopenmpi-dev); .ci/run does.");
        }

        var start = new ProcessStartInfo(command[0]);
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1";
        start.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        return FreshProcess.RunCommand(start, 300_000);
    }
}
