package io.blocksync.daemon.store;

import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native;
import net.openhft.chronicle.values.ValueModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Chronicle Values class the daemon ships (src/main/java/net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native
 * .java) so that Chronicle Map never compiles it with javac at start: it is what Chronicle would generate today, it is
 * the class Chronicle uses, and a store opens on a JVM without the jdk.compiler module.
 */
class ChronicleNativeClassTest
{
    static final String SHIPPED_SOURCE = "src/main/java/net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native.java";
    private static final String NATIVE_SIMPLE_NAME = "VanillaGlobalMutableState$$Native";
    private static final String ADDED_LINE = "@SuppressWarnings(\"rawtypes\")\n";

    /** The launcher's modules minus everything a store does not need; jdk.compiler is not among them. */
    static final String MINIMAL_MODULES = "java.base,java.management,jdk.unsupported,java.naming";

    @TempDir
    Path temp;

    @Test
    void shippedSourceShouldBeWhatChronicleGeneratesToday() throws Exception
    {
        final Method generate = Class.forName("net.openhft.chronicle.values.Generators")
            .getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
        generate.setAccessible(true);
        final String generated =
            (String)generate.invoke(null, ValueModel.acquire(VanillaGlobalMutableState.class), NATIVE_SIMPLE_NAME);

        final String shipped = Files.readString(Path.of(SHIPPED_SOURCE), StandardCharsets.UTF_8);
        final String body = shipped.substring(shipped.indexOf("package ")).replace(ADDED_LINE, "");
        if (!generated.equals(body))
        {
            final Path fresh = Path.of("target", NATIVE_SIMPLE_NAME + ".java");
            Files.writeString(fresh, shipped.substring(0, shipped.indexOf("package ")) +
                generated.replace("\npublic class", "\n" + ADDED_LINE + "public class"), StandardCharsets.UTF_8);
            assertEquals(generated, body, "Chronicle Values now generates another " + NATIVE_SIMPLE_NAME +
                " (a Chronicle upgrade?): review daemon/" + fresh + " and copy it over daemon/" + SHIPPED_SOURCE);
        }
    }

    @Test
    void chronicleShouldUseTheShippedClass() throws Exception
    {
        try (BanStore store = BanStore.openForDaemon(temp, 100, (line) -> { }))
        {
            store.put(TestBans.entry(1));
        }

        final Class<?> used = ValueModel.acquire(VanillaGlobalMutableState.class).nativeClass();
        assertSame(VanillaGlobalMutableState$$Native.class, used);
        assertSame(ClassLoader.getSystemClassLoader(), used.getClassLoader());
        assertTrue(
            used.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith("/target/classes/"),
            () -> "loaded from " + used.getProtectionDomain().getCodeSource().getLocation());
    }

    /**
     * A child JVM limited to {@link #MINIMAL_MODULES} (so javac cannot load at all) creates, reopens, recovers and
     * reads a store; its class-load log names the shipped class from the class path and no compiler class, nor
     * jnr-ffi, jffi or JNA (whose native stubs are unpacked at load), and its java.io.tmpdir stays empty. Without
     * JUnit on its classpath, like the daemon, so Chronicle loads everything it loads in production.
     */
    @Test
    void storeShouldOpenWithoutTheCompilerModule() throws Exception
    {
        final Path classLog = temp.resolve("class-load.log");
        final Path tmpDir = Files.createDirectory(temp.resolve("tmp"));
        final String classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
            .filter((entry) -> !entry.contains("junit") && !entry.contains("surefire"))
            .collect(Collectors.joining(File.pathSeparator));

        try (ChildJvm child = ChildJvm.start(temp, classPath,
            List.of("--limit-modules", MINIMAL_MODULES, "-Xlog:class+load=info:file=" + classLog,
                "-Djava.io.tmpdir=" + tmpDir, "-Djna.tmpdir=" + tmpDir),
            "analytics", temp.resolve("state").toString()))
        {
            child.awaitLineStartingWith("analytics-done");
            assertEquals(0, child.awaitExit(), child::diagnostics);
            assertTrue(child.lines().contains("reader-size 3"), child::diagnostics);
        }

        final List<String> loaded = Files.readAllLines(classLog);
        assertEquals(List.of(), loaded.stream()
            .filter((line) -> line.contains("com.sun.tools.javac") || line.contains("jdk.compiler") ||
                line.contains(" jnr.") || line.contains(" com.kenai.jffi.") || line.contains(" com.sun.jna."))
            .collect(Collectors.toList()));
        try (java.util.stream.Stream<Path> left = Files.list(tmpDir))
        {
            assertEquals(List.of(), left.collect(Collectors.toList()));
        }
        assertEquals(1, loaded.stream()
            .filter((line) -> line.contains(" net.openhft.chronicle.hash." + NATIVE_SIMPLE_NAME + " source: file:"))
            .count(), () -> "no class-path load of " + NATIVE_SIMPLE_NAME + " in " + classLog);
    }
}
