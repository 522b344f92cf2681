System.Console.WriteLine("bench: placeholder");
