// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>The range checks of <see cref="DeepTrainerOptions.Validate"/>, with one wording for all options.</summary>
internal static class OptionChecks
{
    public static void NotEmpty(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"`{name}` must name a column, but got '{value}'.");
        }
    }

    public static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"`{name}` must be greater than 0, but got {value}.");
        }
    }

    public static void NotNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"`{name}` must be 0 or more, but got {value}.");
        }
    }

    /// <summary>Checks value in [low, high).</summary>
    public static void InRange(double value, double low, double high, string name)
    {
        if (!(value >= low && value < high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"`{name}` must be in [{low}, {high}), but got {value}.");
        }
    }

    /// <summary>Checks value in [low, high].</summary>
    public static void InClosedRange(double value, double low, double high, string name)
    {
        if (!(value >= low && value <= high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"`{name}` must be in [{low}, {high}], but got {value}.");
        }
    }

    public static void AtLeast(int value, int low, string name)
    {
        if (value < low)
        {
            throw new ArgumentOutOfRangeException(name, value, $"`{name}` must be {low} or more, but got {value}.");
        }
    }

    public static void Increasing(int[]? values, string name)
    {
        if (values == null)
        {
            throw new ArgumentOutOfRangeException(name, $"`{name}` must not be null; use an empty array for none.");
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 1 || (i > 0 && values[i] <= values[i - 1]))
            {
                throw new ArgumentOutOfRangeException(name, $"`{name}` must be increasing epochs of 1 or more, but got [{string.Join(", ", values)}].");
            }
        }
    }
}
