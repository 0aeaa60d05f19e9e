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
 * .ci/run installs, or unpacks from its .debs when apt-get cannot install it), once as shipped and once with {@code -XX:UseSSE=0}, the x87-only code a Geode LX (no SSE2) runs.
 * Runs in bench because the distribution exists only after the daemon module's package phase. Skipped, saying why,
 * where that JRE is absent or cannot run; {@code BLOCKSYNC_I386_JAVA_HOME} picks another.
 * <p>
 * <b>Under qemu-user.</b> A kernel without IA32 emulation (CI's VM) runs the JRE through {@code qemu-i386-static}
 * registered with binfmt_misc (.ci/run). There HotSpot's compiled code crashes at its signal-based safepoint polls,
 * so the JVM runs interpreted ({@code -Xint}, still 32-bit layouts and, with {@code UseSSE=0}, x87-only template
 * code); the state goes to tmpfs, since a 32-bit {@code readdir} on this host's file system fails with EOVERFLOW; and
 * qemu's signal delivery to a thread blocked in {@code accept} aborts the JVM as it exits, after the demo's verdict,
 * so there the verdict line decides.
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
    private static boolean emulated;

    @BeforeAll
    static void findJvmAndDistribution()
    {
        final Path java = JAVA_HOME.resolve("bin/java");
        if (!Files.isExecutable(java))
        {
            unavailable = "no 32-bit JRE at " + JAVA_HOME + " (.ci/run installs openjdk-17-jre-headless:i386 after " +
                "dpkg --add-architecture i386, or, when apt-get install fails, unpacks its .debs from apt-get download " +
                "with dpkg -x into /var/tmp/blocksync-i386 and sets BLOCKSYNC_I386_JAVA_HOME; both failed here): skipped";
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
        emulated = Files.exists(Path.of("/proc/sys/fs/binfmt_misc/qemu-i386"));
        if (emulated)
        {
            System.err.println("I386JvmTest: the 32-bit JRE runs under qemu-user here (binfmt_misc qemu-i386), interpreted");
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
        final String opts = emulated ? javaOpts + " -Xint -Djava.io.tmpdir=/dev/shm" : javaOpts;
        final Command.Result result = Command.of(List.of("env", "JAVA_HOME=" + JAVA_HOME, "BLOCKSYNC_JAVA_OPTS=" + opts,
            launcher.toString(), "demo")).timeout(Duration.ofMinutes(emulated ? 12 : 4)).run();
        final String output = result.output();
        final int verdict = output.indexOf("demo passed: every node received the ban and the unban");
        if (emulated && 0 != result.exitCode())
        {
            assertTrue(verdict >= 0 && output.indexOf("qemu: uncaught target signal", verdict) > verdict,
                "demo under qemu-user on " + JAVA_HOME + " with " + opts + ":\n" + output);
        }
        else
        {
            assertEquals(0, result.exitCode(), "demo on " + JAVA_HOME + " with " + opts + ":\n" + output);
        }
        final Command.Result bits = Command.of(JAVA_HOME.resolve("bin/java").toString(), "-XshowSettings:properties", "-version")
            .timeout(Duration.ofSeconds(60)).run();
        assertTrue(bits.output().contains("sun.arch.data.model = 32"), "not a 32-bit JVM:\n" + bits.output());
    }
}
