// Licensed under the MIT license. See LICENSE in the repository root.

// TorchSharp's seed and thread count are process-wide, so tests that train run one at a time, as TorchSharp's own do.
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]
