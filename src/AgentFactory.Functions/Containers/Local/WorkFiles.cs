using System.Runtime.Versioning;
using System.Text;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>Puts a spec's <see cref="ContainerSpec.Files"/> into the container's work directory on the host.</summary>
[SupportedOSPlatform("linux")]
internal static class WorkFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Writes each file below <paramref name="workDirectory"/> (its container path less <see cref="ContainerSpec.WorkPath"/>).
    /// The same text is not written again, so a repeated create changes nothing a running program could notice.
    /// </summary>
    public static async Task WriteAsync(string workDirectory, IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        foreach ((string containerPath, string text) in files)
        {
            // Validate() allows only /work/{directory}/{file} with plain names, so this stays inside the work directory.
            string path = Path.Combine(workDirectory, Path.GetRelativePath(ContainerSpec.WorkPath, containerPath));
            // Made by the runtime's user, not the sandbox user: the program can read the files but not change them,
            // as with the read-only volume Container Instances mounts.
            string directory = Path.GetDirectoryName(path)!;
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory);
                // Set after creating: the mode given to mkdir would be cut by the umask.
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            if (File.Exists(path) && await File.ReadAllTextAsync(path, Utf8, cancellationToken) == text)
            {
                continue;
            }

            // Write then rename: the program never reads half a file.
            string temporary = path + ".tmp";
            await File.WriteAllTextAsync(temporary, text, Utf8, cancellationToken);
            // The program runs as the sandbox user, not the file's owner: it must be able to read it.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(temporary, path, overwrite: true);
        }
    }
}
