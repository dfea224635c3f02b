// Licensed under the MIT license. See LICENSE in the repository root.

// libtorch's thread count is process-wide, and the memory tests measure the whole process, so tests that train run
// one at a time (ConcurrentFitTests starts its own fits at once).
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]
