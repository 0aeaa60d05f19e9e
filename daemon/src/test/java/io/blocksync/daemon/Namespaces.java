package io.blocksync.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts on one L2 segment, each in its own network namespace, joined by a bridge in a further namespace, with
 * documentation addresses 192.0.2.N/24 and 2001:db8:a::N/64. Nothing is created in the caller's namespace and
 * {@link #close()} deletes every namespace.
 */
final class Namespaces implements AutoCloseable
{
    private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String lan = "bsl-" + suffix;
    private final List<String> created = new ArrayList<>();

    static boolean available()
    {
        return "root".equals(System.getProperty("user.name")) && onPath("ip") && onPath("nft") && onPath("socat");
    }

    static boolean onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
        {
            if (new java.io.File(dir, tool).canExecute())
            {
                return true;
            }
        }
        return false;
    }

    Namespaces() throws IOException, InterruptedException
    {
        addNamespace(lan);
        run("ip", "-n", lan, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", lan, "link", "set", "br0", "up");
    }

    /** Host N: namespace name, with 192.0.2.N and 2001:db8:a::N on its eth0. */
    String host(final int n) throws IOException, InterruptedException
    {
        final String ns = "bsh" + n + "-" + suffix;
        addNamespace(ns);
        run("ip", "-n", lan, "link", "add", "v" + n, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "-n", lan, "link", "set", "v" + n, "master", "br0", "up");
        run("ip", "-n", ns, "addr", "add", "192.0.2." + n + "/24", "dev", "eth0");
        run("ip", "-n", ns, "addr", "add", "2001:db8:a::" + n + "/64", "dev", "eth0", "nodad");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        run("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    static List<String> inNamespace(final String ns, final String... command)
    {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(command));
        return argv;
    }

    /** A long-running process inside a namespace; the caller destroys it. */
    static Process spawn(final String ns, final String... command) throws IOException
    {
        return new ProcessBuilder(inNamespace(ns, command)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Run to completion; the exit code. */
    static int exec(final long timeoutSeconds, final List<String> argv) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor();
            return -1;
        }
        process.getInputStream().readAllBytes();
        return process.exitValue();
    }

    static String output(final List<String> argv) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    public void close()
    {
        for (int i = created.size() - 1; i >= 0; i--)
        {
            try
            {
                exec(10, List.of("ip", "netns", "del", created.get(i)));
            }
            catch (final IOException | InterruptedException ex)
            {
                // best effort: keep deleting the others
            }
        }
    }

    private void addNamespace(final String ns) throws IOException, InterruptedException
    {
        run("ip", "netns", "add", ns);
        created.add(ns);
    }

    private static void run(final String... argv) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
    }
}
