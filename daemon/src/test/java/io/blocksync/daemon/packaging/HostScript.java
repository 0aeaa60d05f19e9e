package io.blocksync.daemon.packaging;

import io.blocksync.testkit.Tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs one of the packaging scripts (src/test/resources/packaging/) as root in a mount and network namespace of its
 * own ({@code unshare -m -n}), where host.sh builds throw-away hosts over this machine's root filesystem. What they
 * install, and the network namespaces they make, go away with the script.
 */
final class HostScript
{
    /** Surefire and Failsafe run in the module directory. */
    static final Path TARGET = Path.of("target");
    static final Path SCRIPTS = Path.of("src/test/resources/packaging");

    record Result(int exitCode, String output)
    {
    }

    private HostScript()
    {
    }

    /**
     * Skips the calling test, with the reason, when this machine cannot install a .deb into a throw-away host.
     */
    static void assumeDebianHost()
    {
        assumeTrue(Tools.installed("dpkg-deb") && Tools.installed("dpkg"),
            "skipped: dpkg-deb/dpkg are not installed (a Debian system has them; CI does): the .deb is not installed");
        assumeTrue(Tools.isRoot(), "skipped: installing a package into a throw-away root needs root");
        final String missing = Tools.firstMissing("unshare", "chroot", "setpriv", "python3", "ip");
        assumeTrue(null == missing, "skipped: '" + missing + "' is not installed (util-linux, python3, iproute2)");
    }

    /**
     * @return the one .deb that {@code mvn package} left in target/.
     */
    static Path deb() throws IOException
    {
        try (Stream<Path> files = Files.list(TARGET))
        {
            final List<Path> debs = files.filter(file -> file.getFileName().toString().matches("blocksync_.*\\.deb"))
                .toList();
            if (debs.size() != 1)
            {
                fail("expected one target/blocksync_*.deb, the package phase's (run 'mvn verify', which packages " +
                    "before the integration tests), found " + debs);
            }
            return debs.get(0).toAbsolutePath();
        }
    }

    /**
     * Runs {@code bash SCRIPT ARGS...} under {@code unshare -m -n --propagation private}.
     *
     * @param timeoutSeconds the script is killed after this; its output so far is in the failure message.
     */
    static Result run(final String script, final long timeoutSeconds, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(
            "unshare", "-m", "-n", "--propagation", "private", "bash", SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        final Path log = Files.createTempFile(Paths.get(System.getProperty("java.io.tmpdir")), script, ".log");
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                fail(script + " did not finish within " + timeoutSeconds + " s; its output:\n" + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Asserts the script ran to its end.
     */
    static String succeeded(final Result result)
    {
        assertEquals(0, result.exitCode(), "the script failed; its output:\n" + result.output());
        assertTrue(result.output().contains("== done"), result.output());
        return result.output();
    }
}
