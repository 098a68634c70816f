using System.Reflection;
using Microsoft.Extensions.Options;

namespace Threadline.Hosting;

/// <summary>
/// Reads every options type bound from configuration before the server starts: a start refused for bad settings
/// names all of them at once, not one per attempt, and a value the binder cannot convert (text where a number is
/// expected) is reported like any other invalid setting instead of as a crash.
/// </summary>
internal sealed class ConfigurationCheck(IReadOnlyList<Type> optionsTypes)
{
    /// <summary>The options types that <paramref name="services"/> binds from configuration (OptionsBuilder.Bind, services.Configure(section)).</summary>
    public static ConfigurationCheck For(IServiceCollection services) => new([.. services
        .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>)
            && d.ImplementationInstance?.GetType() is { IsGenericType: true } binding
            && binding.GetGenericTypeDefinition() == typeof(NamedConfigureFromConfigurationOptions<>))
        .Select(d => d.ServiceType.GetGenericArguments()[0])
        .Distinct()]);

    /// <summary>Throws one <see cref="OptionsValidationException"/> with every failure of every bound options type, if there is any.</summary>
    public void ThrowIfInvalid(IServiceProvider services)
    {
        var failures = new List<string>();
        foreach (var type in optionsTypes)
        {
            var options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            try
            {
                _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            }
            catch (TargetInvocationException wrapped) when (wrapped.InnerException is OptionsValidationException invalid)
            {
                failures.AddRange(invalid.Failures);
            }
            catch (TargetInvocationException wrapped) when (IsUnreadable(wrapped.InnerException))
            {
                failures.Add(wrapped.InnerException!.Message);
            }
        }
        if (failures.Count > 0)
        {
            throw new OptionsValidationException("configuration", typeof(ConfigurationCheck), failures.Distinct(StringComparer.Ordinal));
        }
    }

    /// <summary>The configuration binder's own error: a value that cannot be converted to its setting's type.</summary>
    public static bool IsUnreadable(Exception? exception) =>
        exception is InvalidOperationException && exception.TargetSite?.DeclaringType == typeof(ConfigurationBinder);
}
