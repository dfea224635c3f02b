// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// The kind of value a <see cref="Parameter"/> holds.
/// </summary>
public enum ParameterType
{
    /// <summary>A 32-bit integer.</summary>
    Integer,

    /// <summary>A 32-bit floating-point number.</summary>
    Float,

    /// <summary>A 64-bit floating-point number.</summary>
    Number,

    /// <summary>A boolean.</summary>
    Bool,

    /// <summary>A string (enum values are held as their names).</summary>
    String,

    /// <summary>An ordered list of parameters.</summary>
    Array,

    /// <summary>A keyed set of child parameters, ordered by key.</summary>
    Object,
}
