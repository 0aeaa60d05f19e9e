package io.blocksync.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
     * Runs {@link SessionLeakProbe} in a child JVM whose Java heap is fixed and touched up front (so only native
     * memory can move its resident set): a warm-up round, then two more, in a session of its own.
     *
     * @return KiB the child's VmRSS grew over the two rounds (40,000 commands).
     */
    static long leakProbe(final String kind, final String namespace, final String set) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xms32m", "-Xmx32m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), SessionLeakProbe.class.getName(), kind, path(namespace), set)
            .redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (0 != process.waitFor())
        {
            throw new IOException("leak probe failed (" + process.exitValue() + "):\n" + output);
        }
        return Long.parseLong(output.lines().filter(line -> line.startsWith("grown ")).findFirst()
            .orElseThrow(() -> new IOException("leak probe printed no figure:\n" + output)).substring("grown ".length()).trim());
    }

    /** @return this process's VmRSS in KiB, from /proc/self/status. */
    static long residentKilobytes() throws IOException
    {
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
