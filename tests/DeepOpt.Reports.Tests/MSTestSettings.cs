// Licensed under the MIT license. See LICENSE in the repository root.

// TorchSharp's seed and thread count are process-wide and the browser test drives one Chromium, so tests run one at a time.
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]
