// Licensed under the MIT license. See LICENSE in the repository root.

[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]
