// Licensed under the MIT license. See LICENSE in the repository root.

// Each test drives whole `dotnet` builds; running them side by side would only fight over the two CI cores.
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]
