// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Tests.Storage;

/// <summary>Where the storage tests keep their data: temporary SQLite files, and the PostgreSQL server that
/// <c>.ci/run</c> starts (its connection string in DEEPOPT_TEST_POSTGRES).</summary>
internal static class TestDatabases
{
    /// <summary>The PostgreSQL connection string; without one the test is inconclusive locally and fails in CI
    /// (DEEPOPT_REQUIRE_POSTGRES=1), where nothing may be skipped.</summary>
    public static string Postgres()
    {
        string? connection = Environment.GetEnvironmentVariable("DEEPOPT_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(connection))
        {
            return connection;
        }

        const string Missing = "DEEPOPT_TEST_POSTGRES is not set: run .ci/run, which starts PostgreSQL and sets it.";
        if (Environment.GetEnvironmentVariable("DEEPOPT_REQUIRE_POSTGRES") == "1")
        {
            Assert.Fail(Missing);
        }

        Assert.Inconclusive(Missing);
        return string.Empty;
    }

    /// <summary>A fresh path for a SQLite file in a fresh folder.</summary>
    public static string SqlitePath()
    {
        string folder = Path.Combine(Path.GetTempPath(), "deepopt-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "sweep.db");
    }

    /// <summary>A sweep name no other test uses.</summary>
    public static string SweepName() => $"test-{Guid.NewGuid():N}";
}
