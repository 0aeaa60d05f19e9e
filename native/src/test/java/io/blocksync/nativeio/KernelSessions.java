package io.blocksync.nativeio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Helpers for the kernel session tests: namespace paths, bulk scripts, the process's resident memory.
 */
final class KernelSessions
{
    @FunctionalInterface
    interface Runner
    {
        CommandResult run(String script) throws IOException;
    }

    private KernelSessions()
    {
    }

    static String path(final String namespace)
    {
        return "/run/netns/" + namespace;
    }

    /**
     * @return the {@code count}-th test address, 10.0.0.0 upwards (private space: only ever inside a namespace).
     */
    static String address(final int index)
    {
        return "10." + ((index >> 16) & 0xFF) + "." + ((index >> 8) & 0xFF) + "." + (index & 0xFF);
    }

    /**
     * Adds {@code count} addresses in one script, then each again in a call of its own; every call must succeed.
     *
     * @param format a line with {@code %s} for the set, then for the address.
     */
    static void bothWays(final Runner runner, final String set, final String format, final int count)
        throws IOException
    {
        final StringBuilder script = new StringBuilder(count * 48);
        for (int i = 0; i < count; i++)
        {
            script.append(String.format(format, set, address(i)));
        }
        mustSucceed(runner.run(script.toString()));
        for (int i = 0; i < count; i++)
        {
            mustSucceed(runner.run(String.format(format, set, address(i))));
        }
    }

    static void mustSucceed(final CommandResult result)
    {
        if (0 != result.exitStatus())
        {
            throw new AssertionError("exit " + result.exitStatus() + ": " + result.error());
        }
    }

    /**
     * @return this process's resident set size in KiB, from /proc/self/status.
     */
    static long residentKilobytes() throws IOException
    {
        System.gc();
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    static int count(final String text, final String needle)
    {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        {
            count++;
        }
        return count;
    }
}
