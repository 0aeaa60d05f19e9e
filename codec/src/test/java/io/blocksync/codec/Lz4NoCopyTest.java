package io.blocksync.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM killed with lz4-java's JNI library loaded leaves no copy of it in its {@code java.io.tmpdir} ({@link Lz4Native}):
 * a JVM that compresses a block through {@link Lz4Block} (JNI) is killed with SIGKILL and its temporary directory holds
 * nothing of lz4. The control: a JVM that asks lz4-java for its native instance directly leaves
 * {@code liblz4-java-N.so} and its {@code .lck} there, as every killed test node did before.
 */
class Lz4NoCopyTest
{
    @TempDir
    Path tmp;

    @Test
    void aKilledJvmLeavesNoCopyOfTheLibraryBehind() throws Exception
    {
        final Path dir = Files.createDirectory(tmp.resolve("through-lz4block"));
        final String said = runAndKill(dir, "block");
        assertTrue(said.startsWith("ready LZ4Factory:JNI"), "compressed through JNI: " + said);
        assertFalse(said.contains("left to lz4-java"), said);
        assertEquals(List.of(), lz4Files(dir), "left behind by the killed JVM (" + said + ")");
    }

    @Test
    void controlLz4JavasOwnLoaderLeavesItsCopyBehind() throws Exception
    {
        final Path dir = Files.createDirectory(tmp.resolve("lz4-java-alone"));
        final String said = runAndKill(dir, "factory");
        assertTrue(said.startsWith("ready LZ4Factory:JNI"), said);
        assertTrue(lz4Files(dir).stream().anyMatch(name -> name.startsWith("liblz4-java-") && name.endsWith(".so")),
            "lz4-java's copy: " + lz4Files(dir));
    }

    /** Start {@link Loader} with {@code java.io.tmpdir} at {@code dir}, wait for its line, SIGKILL it; its line. */
    private static String runAndKill(final Path dir, final String how) throws Exception
    {
        final Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Djava.io.tmpdir=" + dir, "-cp", System.getProperty("java.class.path"), Loader.class.getName(), how)
            .redirectErrorStream(true)
            .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            // The loader prints its one line once the library is loaded and a block went through it.
            final String line = out.readLine();
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "killed");
            return String.valueOf(line);
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    private static List<String> lz4Files(final Path dir) throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.contains("lz4")).sorted()
                .collect(Collectors.toList());
        }
    }

    /** A JVM that loads the library one way, says so and waits to be killed. */
    public static final class Loader
    {
        public static void main(final String[] args)
        {
            final String said;
            if ("block".equals(args[0]))
            {
                final Lz4Block block = new Lz4Block();
                block.raw().setMemory(0, 4096, (byte)7);
                final org.agrona.concurrent.UnsafeBuffer into = new org.agrona.concurrent.UnsafeBuffer(new byte[8192]);
                said = Lz4Block.implementation() + " " + Lz4Block.librarySource() + " " + block.compress(4096, into, 0, 8192);
            }
            else
            {
                final net.jpountz.lz4.LZ4Factory factory = net.jpountz.lz4.LZ4Factory.nativeInstance();
                said = factory + " " + factory.fastCompressor().compress(new byte[4096]).length;
            }
            System.out.println("ready " + said);
            System.out.flush();
            while (true)
            {
                LockSupport.park();
            }
        }
    }
}
