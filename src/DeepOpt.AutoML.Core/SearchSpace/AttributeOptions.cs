// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Reflection;
using Microsoft.ML.SearchSpace;

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// Reads ML.NET's search-space attributes off a type.
/// </summary>
internal static class AttributeOptions
{
    public static IEnumerable<KeyValuePair<string, OptionBase>> Build(Type type, object? defaults)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
        var members = type.GetProperties(flags).Cast<MemberInfo>().Concat(type.GetFields(flags));
        foreach (var member in members)
        {
            var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
            object? current = defaults == null ? null
                : member is PropertyInfo prop ? prop.GetValue(defaults) : ((FieldInfo)member).GetValue(defaults);
            var option = FromAttributes(member, memberType, current);
            if (option != null)
            {
                yield return new KeyValuePair<string, OptionBase>(member.Name, option);
            }
        }
    }

    private static OptionBase? FromAttributes(MemberInfo member, Type memberType, object? current)
    {
        if (member.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            object? init = current ?? range.Init;
            return range.Min switch
            {
                int min => new UniformIntOption(min, (int)range.Max, range.LogBase,
                    init == null ? null : Convert.ToInt32(init, CultureInfo.InvariantCulture)),
                float min => new UniformSingleOption(min, (float)range.Max, range.LogBase,
                    init == null ? null : Convert.ToSingle(init, CultureInfo.InvariantCulture)),
                _ => new UniformDoubleOption(Convert.ToDouble(range.Min, CultureInfo.InvariantCulture),
                    Convert.ToDouble(range.Max, CultureInfo.InvariantCulture), range.LogBase,
                    init == null ? null : Convert.ToDouble(init, CultureInfo.InvariantCulture)),
            };
        }

        if (member.GetCustomAttribute<ChoiceAttribute>() is { } choice)
        {
            return new ChoiceOption(choice.Candidates, current ?? choice.DefaultValue);
        }

        if (member.GetCustomAttribute<BooleanChoiceAttribute>() is { } boolean)
        {
            return new ChoiceOption([false, true], current ?? boolean.DefaultValue);
        }

        if (member.GetCustomAttribute<NestOptionAttribute>() != null)
        {
            return new SearchSpace(Build(memberType, current));
        }

        return null;
    }
}
