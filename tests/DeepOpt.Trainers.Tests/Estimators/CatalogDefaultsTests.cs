// Licensed under the MIT license. See LICENSE in the repository root.

using System.Reflection;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Each default is written once: the catalog's parameter defaults and the options' initial values come from Options.Defaults.</summary>
[TestClass]
public sealed class CatalogDefaultsTests
{
    [TestMethod]
    public void CatalogParameters_DefaultValues_EqualOptionsDefaults()
    {
        var defaults = typeof(DeepTrainerOptions.Defaults).GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(f => f.Name, f => f.GetValue(null));
        var methods = typeof(DeepOptCatalog).GetMethods(BindingFlags.Public | BindingFlags.Static);
        int checkedParameters = 0;
        foreach (var parameter in methods.SelectMany(m => m.GetParameters()).Where(p => p.HasDefaultValue && p.DefaultValue != null))
        {
            string name = char.ToUpperInvariant(parameter.Name![0]) + parameter.Name[1..];
            Assert.IsTrue(defaults.TryGetValue(name, out var expected), $"no Defaults.{name} for catalog parameter {parameter.Name}");
            Assert.AreEqual(expected, parameter.DefaultValue, parameter.Name);
            checkedParameters++;
        }

        Assert.IsGreaterThanOrEqualTo(15, checkedParameters);
    }

    [TestMethod]
    public void NewOptions_PropertyValues_EqualOptionsDefaults()
    {
        var options = new MlpOptions();
        foreach (var field in typeof(DeepTrainerOptions.Defaults).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            Assert.AreEqual(field.GetValue(null), typeof(MlpOptions).GetProperty(field.Name)!.GetValue(options), field.Name);
        }

        CollectionAssert.AreEqual(MlpOptions.Defaults.HiddenLayerSizes, options.HiddenLayerSizes);
        Assert.AreEqual(MlpOptions.Defaults.Dropout, options.Dropout);
        Assert.AreEqual(MlpOptions.Defaults.BatchNorm, options.BatchNorm);
    }
}
