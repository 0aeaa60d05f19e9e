package io.blocksync.bench.runner;

import io.blocksync.testkit.Command;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * 32-bit x86 is supported, not lucky: the distribution's demo (three nodes exchanging a ban and an unban over
 * 127.0.0.1, exit 0 only if every node got both) on Debian's 32-bit JRE ({@code openjdk-17-jre-headless:i386}, which
 * .ci/run installs), once as shipped and once with {@code -XX:UseSSE=0}, the x87-only code a Geode LX (no SSE2) runs.
 * Runs in bench because the distribution exists only after the daemon module's package phase. Skipped, saying why,
 * where that JRE is absent or the kernel cannot run 32-bit programs; {@code BLOCKSYNC_I386_JAVA_HOME} picks another.
 */
class I386JvmTest
{
    private static final Path JAVA_HOME = Path.of(System.getenv().getOrDefault("BLOCKSYNC_I386_JAVA_HOME",
        "/usr/lib/jvm/java-17-openjdk-i386"));
    /** The launcher's memory flags (bin/blocksync), which BLOCKSYNC_JAVA_OPTS replaces as a whole. */
    private static final String LAUNCHER_FLAGS = "-Xms16m -Xmx64m -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m " +
        "-XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1";
    private static Path launcher;

    private static String unavailable;

    @BeforeAll
    static void findJvmAndDistribution()
    {
        final Path java = JAVA_HOME.resolve("bin/java");
        if (!Files.isExecutable(java))
        {
            unavailable = "no 32-bit JRE at " + JAVA_HOME +
                " (apt-get install openjdk-17-jre-headless:i386 after dpkg --add-architecture i386, as .ci/run does): skipped";
        }
        else
        {
            final Command.Result version = Command.of(java.toString(), "-version").timeout(Duration.ofSeconds(60)).run();
            if (!version.succeeded())
            {
                unavailable = JAVA_HOME + " cannot run here (" + version.output().strip().lines().findFirst().orElse("") +
                    "; a kernel without 32-bit x86 support, IA32_EMULATION): skipped";
            }
        }
        if (null != unavailable)
        {
            // Surefire does not show a skip's reason in its summary: say it where CI's log shows it.
            System.err.println("I386JvmTest: " + unavailable);
        }
        launcher = Path.of(System.getProperty("blocksync.launcher", "../daemon/target/blocksync/bin/blocksync"));
    }

    @Test
    void demoRunsOnThe32BitJvm()
    {
        demo(LAUNCHER_FLAGS);
    }

    @Test
    void demoRunsWithX87OnlyCode()
    {
        demo(LAUNCHER_FLAGS + " -XX:UseSSE=0");
    }

    private static void demo(final String javaOpts)
    {
        assumeTrue(null == unavailable, unavailable);
        assertTrue(Files.isExecutable(launcher), "no distribution at " + launcher + "; mvn package builds it");
        final Command.Result result = Command.of(List.of("env", "JAVA_HOME=" + JAVA_HOME, "BLOCKSYNC_JAVA_OPTS=" + javaOpts,
            launcher.toString(), "demo")).timeout(Duration.ofMinutes(4)).run();
        assertEquals(0, result.exitCode(), "demo on " + JAVA_HOME + " with " + javaOpts + ":\n" + result.output());
        final Command.Result bits = Command.of(JAVA_HOME.resolve("bin/java").toString(), "-XshowSettings:properties", "-version")
            .timeout(Duration.ofSeconds(60)).run();
        assertTrue(bits.output().contains("sun.arch.data.model = 32"), "not a 32-bit JVM:\n" + bits.output());
    }
}
