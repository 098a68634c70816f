namespace Threadline.Features.Assets;

public static class AssetRegistration
{
    public static IServiceCollection AddInstalledBase(this IServiceCollection services)
    {
        services.AddSingleton<AssetStore>();
        services.AddSingleton<AssetDirectory>();
        services.AddSingleton<IAssetLookup>(sp => sp.GetRequiredService<AssetDirectory>());
        services.AddSingleton<IAssetEventLog>(sp => sp.GetRequiredService<AssetDirectory>());
        services.AddSingleton<InstalledBaseService>();
        return services;
    }
}
