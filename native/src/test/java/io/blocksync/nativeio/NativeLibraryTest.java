package io.blocksync.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Building and loading libblocksync_nflog: the Maven build skips it with a message where it cannot compile it,
 * and a JVM that cannot load it says so in one line that points to pcap-pipe.
 */
class NativeLibraryTest
{
    private static final Path SCRIPT = Path.of("src", "main", "c", "build-jni.sh");
    private static final Path HEADERS = Path.of("target", "generated-sources", "jni");

    @TempDir
    Path directory;

    @Test
    void theLibraryIsLookedUpUnderTheBuildsPlatformName()
    {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "skipped: not Linux");
        final String machine = System.getProperty("os.arch").replace("amd64", "x86_64");

        assertEquals("linux-" + machine, NativeLibrary.platform());
        assertEquals("native/linux-" + machine + "/libblocksync_nflog.so", NativeLibrary.resourceName());
    }

    @Test
    void aLibraryTheBuildMadeLoadsSilently()
    {
        assumeTrue(null != NativeLibraryTest.class.getClassLoader().getResource(NativeLibrary.resourceName()),
            "skipped: the build made no " + NativeLibrary.resourceName() + " (no gcc?)");
        final LogLines log = new LogLines();

        assertTrue(NativeLibrary.load(log));
        assertTrue(NativeLibrary.load(log));
        assertEquals(List.of(), log.lines);
        assertEquals(null, NativeLibrary.failure());
    }

    @Test
    void aJvmThatCannotLoadTheLibrarySaysSoOnceAndPointsToPcapPipe() throws IOException, InterruptedException
    {
        final List<String> lines = runProbe(System.getProperty("java.class.path"),
            "-D" + NativeLibrary.PATH_PROPERTY + "=/nonexistent/libblocksync_nflog.so", null);

        final List<String> logged = lines.stream().filter(line -> line.startsWith("log: ")).toList();
        assertEquals(1, logged.size(), () -> String.join("\n", lines));
        final String line = logged.get(0);
        assertTrue(line.startsWith("log: nflog source unavailable: cannot load the native library " +
            "libblocksync_nflog.so (-Dblocksync.native.library=/nonexistent/libblocksync_nflog.so: "), line);
        assertTrue(line.endsWith("read NFLOG through a pcap-pipe source instead: command = tcpdump -i nflog:GROUP -U -w - " +
            "(and give the nftables log rule queue-threshold 1, or the kernel holds events up to a second)"), line);
        assertTrue(lines.contains("open failed: " + line.substring("log: ".length())), () -> String.join("\n", lines));
        assertTrue(lines.contains("failures: 1 1"), () -> String.join("\n", lines));
    }

    @Test
    void aLibraryInsideAJarIsCopiedOutLoadedAndItsCopyRemovedAtOnce() throws IOException, InterruptedException
    {
        final URL built = NativeLibraryTest.class.getClassLoader().getResource(NativeLibrary.resourceName());
        assumeTrue(null != built, "skipped: the build made no " + NativeLibrary.resourceName() + " (no gcc?)");
        final Path jar = directory.resolve("native-only.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
            InputStream in = built.openStream())
        {
            out.putNextEntry(new JarEntry(NativeLibrary.resourceName()));
            in.transferTo(out);
            out.closeEntry();
        }

        // The jar comes first on the class path, so the resource is found inside it, not in target/classes.
        final Path tmp = Files.createDirectories(directory.resolve("tmp"));
        final List<String> lines = runProbe(jar + File.pathSeparator + System.getProperty("java.class.path"),
            "-Djava.io.tmpdir=" + tmp, "load");

        // The copy is gone while the JVM still runs: a JVM that is killed, or halts, leaves nothing in /tmp.
        assertEquals(List.of("loaded: true failure: null", "copies left: 0"), lines);
        try (var left = Files.list(tmp))
        {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void withoutACompilerTheBuildScriptSkipsTheLibraryAndSucceeds() throws IOException, InterruptedException
    {
        final ProcessBuilder build = new ProcessBuilder("sh", SCRIPT.toString(), SCRIPT.getParent().toString(),
            HEADERS.toString(), directory.toString(), System.getProperty("java.home"));
        build.environment().put("CC", "blocksync-no-such-cc");
        final Result result = run(build);

        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("libblocksync_nflog.so not built: no C compiler 'blocksync-no-such-cc'"),
            result.output());
        assertTrue(result.output().contains("tcpdump -i nflog:N -U -w -"), result.output());
        assertFalse(Files.exists(directory.resolve("native")));
    }

    @Test
    void withGccTheBuildScriptMakesASharedObject() throws IOException, InterruptedException
    {
        assumeTrue(0 == run(new ProcessBuilder("sh", "-c", "command -v gcc")).status(), "skipped: no gcc");
        assumeTrue(Files.exists(HEADERS.resolve("io_blocksync_nativeio_NflogSocket.h")), "skipped: no JNI header");
        final ProcessBuilder build = new ProcessBuilder("sh", SCRIPT.toString(), SCRIPT.getParent().toString(),
            HEADERS.toString(), directory.toString(), System.getProperty("java.home"));
        build.environment().remove("CC");
        build.environment().remove("BLOCKSYNC_SKIP_JNI");
        final Result result = run(build);

        assertEquals(0, result.status(), result.output());
        final Path library = directory.resolve(NativeLibrary.resourceName());
        assertTrue(Files.isRegularFile(library), result.output());
        final byte[] elf = Arrays.copyOf(Files.readAllBytes(library), 4);
        assertArrayEquals(new byte[]{ 0x7F, 'E', 'L', 'F' }, elf);
    }

    @Test
    void aKernelSessionWhoseLibraryCannotLoadIsUnavailableWithOneLine() throws IOException, InterruptedException
    {
        assumeTrue(null != NativeLibraryTest.class.getClassLoader().getResource(NativeLibrary.resourceName()),
            "skipped: the build made no " + NativeLibrary.resourceName() + " (no gcc?)");
        final List<String> lines = runProbe(System.getProperty("java.class.path"),
            "-D" + NftablesSession.SONAME_PROPERTY + "=libnftables-blocksync-missing.so.1", "sessions");

        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("nftables: libnftables session unavailable: cannot load " +
            "libnftables-blocksync-missing.so.1: libnftables-blocksync-missing.so.1: cannot open shared object file"),
            lines.get(0));
        assertTrue(lines.get(0).endsWith("(Debian: apt-get install libnftables1)"), lines.get(0));
        assertEquals(IpsetSession.available() ? "ipset: null" : "ipset: " + IpsetSession.unavailableReason(),
            lines.get(1), "the other library is not affected");
    }

    @Test
    void withoutTheJniLibraryNeitherKernelSessionIsAvailable() throws IOException, InterruptedException
    {
        final List<String> lines = runProbe(System.getProperty("java.class.path"),
            "-D" + NativeLibrary.PATH_PROPERTY + "=/nonexistent/libblocksync_nflog.so", "sessions");

        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("nftables: libnftables session unavailable: the JNI library " +
            "libblocksync_nflog.so did not load (-Dblocksync.native.library=/nonexistent/libblocksync_nflog.so: "),
            lines.get(0));
        assertTrue(lines.get(1).startsWith("ipset: libipset session unavailable: the JNI library"), lines.get(1));
    }

    /**
     * @param jvmOption a -D option, or null.
     * @param argument  for the probe, or null.
     */
    private List<String> runProbe(final String classPath, final String jvmOption, final String argument)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        if (null != jvmOption)
        {
            command.add(jvmOption);
        }
        command.addAll(List.of("-cp", classPath, NativeLibraryProbe.class.getName()));
        if (null != argument)
        {
            command.add(argument);
        }
        final Result result = run(new ProcessBuilder(command));
        assertEquals(0, result.status(), result.output());

        return result.output().lines().toList();
    }

    private record Result(int status, String output)
    {
    }

    private static Result run(final ProcessBuilder builder) throws IOException, InterruptedException
    {
        final Process process = builder.redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return new Result(-1, output + "\n(timed out)");
        }

        return new Result(process.exitValue(), output);
    }
}
