using Threadline.Cli;

return await ThreadlineCli.Create().Parse(args).InvokeAsync();
