namespace Threadline.Features.Plm;

public static class PlmRegistration
{
    public static IServiceCollection AddPlm(this IServiceCollection services)
    {
        services.AddSingleton<PlmStore>();
        services.AddSingleton<PlmService>();
        return services;
    }
}
