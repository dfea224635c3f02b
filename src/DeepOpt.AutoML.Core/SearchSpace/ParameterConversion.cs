// Licensed under the MIT license. See LICENSE in the repository root.

using System.Collections;
using System.Globalization;
using System.Reflection;

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// Converts between <see cref="Parameter"/> and CLR values: primitives, enums, arrays, lists, dictionaries and
/// options classes (public properties and fields, matched by name).
/// </summary>
internal static class ParameterConversion
{
    private const BindingFlags PublicInstance = BindingFlags.Public | BindingFlags.Instance;

    public static Parameter FromObject(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value)
        {
            case Parameter p:
                return p;
            case int i:
                return Parameter.FromInt(i);
            case short or byte or sbyte or ushort:
                return Parameter.FromInt(Convert.ToInt32(value, CultureInfo.InvariantCulture));
            case long or uint or ulong:
                return Parameter.FromDouble(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case float f:
                return Parameter.FromFloat(f);
            case double d:
                return Parameter.FromDouble(d);
            case decimal m:
                return Parameter.FromDouble((double)m);
            case bool b:
                return Parameter.FromBool(b);
            case string s:
                return Parameter.FromString(s);
            case char c:
                return Parameter.FromString(c.ToString());
            case Enum e:
                return Parameter.FromString(e.ToString());
            case IDictionary dictionary:
                var nested = Parameter.CreateNestedParameter();
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Value != null)
                    {
                        nested[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!] = FromObject(entry.Value);
                    }
                }

                return nested;
            case IEnumerable items:
                return Parameter.FromArray(items.Cast<object>().Select(FromObject));
        }

        var parameter = Parameter.CreateNestedParameter();
        var type = value.GetType();
        foreach (var property in type.GetProperties(PublicInstance))
        {
            if (property.GetIndexParameters().Length == 0 && property.GetMethod != null
                && property.GetValue(value) is { } child)
            {
                parameter[property.Name] = FromObject(child);
            }
        }

        foreach (var field in type.GetFields(PublicInstance))
        {
            if (field.GetValue(value) is { } child)
            {
                parameter[field.Name] = FromObject(child);
            }
        }

        return parameter;
    }

    public static object? ToType(Parameter parameter, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(Parameter))
        {
            return parameter;
        }

        if (underlying == typeof(object))
        {
            return parameter.ParameterType == ParameterType.Object ? parameter : parameter.Value;
        }

        if (underlying.IsEnum)
        {
            return parameter.ParameterType == ParameterType.String
                ? Enum.Parse(underlying, (string)parameter.Value!, ignoreCase: true)
                : Enum.ToObject(underlying, Convert.ToInt64(parameter.Value, CultureInfo.InvariantCulture));
        }

        if (underlying == typeof(string))
        {
            return parameter.ToString();
        }

        if (underlying.IsPrimitive || underlying == typeof(decimal))
        {
            return ToPrimitive(parameter, underlying);
        }

        if (parameter.ParameterType == ParameterType.Array)
        {
            return ToCollection((IReadOnlyList<Parameter>)parameter.Value!, underlying);
        }

        if (parameter.ParameterType == ParameterType.Object)
        {
            return ToOptions(parameter, underlying);
        }

        throw new InvalidCastException(
            $"A parameter of type {parameter.ParameterType} cannot be converted to {type.Name}.");
    }

    private static object ToPrimitive(Parameter parameter, Type type)
    {
        if (parameter.ParameterType is ParameterType.Object or ParameterType.Array)
        {
            throw new InvalidCastException($"A parameter of type {parameter.ParameterType} cannot be converted to {type.Name}.");
        }

        object value = parameter.Value!;
        if (parameter.IsNumber && (type == typeof(int) || type == typeof(long) || type == typeof(short)))
        {
            // Integer options hold whole numbers; a double read back from JSON converts without rounding surprises.
            double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            return Convert.ChangeType(Math.Floor(d), type, CultureInfo.InvariantCulture);
        }

        if (parameter.ParameterType == ParameterType.String && type == typeof(bool))
        {
            return bool.Parse((string)value);
        }

        return Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }

    private static object ToCollection(IReadOnlyList<Parameter> items, Type type)
    {
        if (type.IsArray)
        {
            var elementType = type.GetElementType()!;
            var array = Array.CreateInstance(elementType, items.Count);
            for (int i = 0; i < items.Count; i++)
            {
                array.SetValue(ToType(items[i], elementType), i);
            }

            return array;
        }

        var element = type.IsGenericType ? type.GetGenericArguments()[0] : typeof(object);
        var listType = typeof(List<>).MakeGenericType(element);
        if (!type.IsAssignableFrom(listType))
        {
            throw new InvalidCastException($"An array parameter cannot be converted to {type.Name}; use an array or a list.");
        }

        var list = (IList)Activator.CreateInstance(listType)!;
        foreach (var item in items)
        {
            list.Add(ToType(item, element));
        }

        return list;
    }

    private static object ToOptions(Parameter parameter, Type type)
    {
        object instance = Activator.CreateInstance(type)
            ?? throw new InvalidCastException($"{type.Name} needs a public parameterless constructor.");
        foreach (var (key, child) in parameter)
        {
            var property = type.GetProperty(key, PublicInstance)
                ?? type.GetProperty(key, PublicInstance | BindingFlags.IgnoreCase);
            if (property is { CanWrite: true } && property.SetMethod!.IsPublic)
            {
                property.SetValue(instance, ToType(child, property.PropertyType));
                continue;
            }

            var field = type.GetField(key, PublicInstance) ?? type.GetField(key, PublicInstance | BindingFlags.IgnoreCase);
            if (field is { IsInitOnly: false })
            {
                field.SetValue(instance, ToType(child, field.FieldType));
            }
        }

        return instance;
    }
}
