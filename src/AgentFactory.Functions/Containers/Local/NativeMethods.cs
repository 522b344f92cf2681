using System.Runtime.InteropServices;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>The few libc calls .NET has no managed API for: sending a chosen signal, changing a file's owner.</summary>
internal static class NativeMethods
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/>; false when the process is already gone.</summary>
    public static bool Signal(int pid, int signal)
    {
        if (kill(pid, signal) == 0)
        {
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == NoSuchProcess
            ? false
            : throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {errno}.");
    }

    /// <summary>Gives <paramref name="path"/> to a user and group.</summary>
    public static void ChangeOwner(string path, int userId, int groupId)
    {
        if (chown(path, userId, groupId) != 0)
        {
            throw new IOException($"chown {userId}:{groupId} {path} failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>The effective user id of this process (0 = root).</summary>
    public static int EffectiveUserId => geteuid();

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks for the whole project; three blittable calls do not justify it.
    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int chown(string path, int owner, int group);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int geteuid();
#pragma warning restore SYSLIB1054
}
