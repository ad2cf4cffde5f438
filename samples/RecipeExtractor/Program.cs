using System;
using System.Threading.Tasks;
using RecipeExtractor;

return await RecipeApp.RunAsync(args, Console.In, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
