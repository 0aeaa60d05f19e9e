package io.blocksync.codec;

import net.jpountz.lz4.LZ4Factory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads lz4-java's JNI library ({@code liblz4-java.so}) so that no copy of it outlives the JVM. lz4-java 1.10.1's own
 * loader ({@code net.jpountz.util.Native.load}) tries {@code System.loadLibrary("lz4-java")}, else copies the library
 * out of its jar to {@code java.io.tmpdir/liblz4-java-N.so} (and a {@code .lck}) and removes both only at a normal
 * exit ({@code deleteOnExit}): every JVM killed with the library loaded left two files in {@code /tmp} (test and
 * bench nodes are killed by the hundred). Here, in order:
 * <ol>
 *   <li>{@code System.loadLibrary}: the distribution's launcher puts the library's directory on
 *       {@code LD_LIBRARY_PATH}, so it loads in place and lz4-java's own attempt succeeds the same way;</li>
 *   <li>else, on Linux, the library from lz4-java's jar, copied to a temporary file under another name than
 *       lz4-java's (whose clean-up of other JVMs' copies would race with the load), loaded and removed at once, as
 *       {@code io.blocksync.nativeio.NativeLibrary} does with its own; lz4-java is then told it is loaded (its private
 *       {@code loaded} flag, under the lock its {@code load} takes), so it neither copies nor lists
 *       {@code java.io.tmpdir}. A kill within the copy-to-load window (a few ms) still leaves that one file.</li>
 * </ol>
 * Anything unexpected (no resource for this platform, another lz4-java whose loader has no such flag) leaves the
 * loading to lz4-java as before.
 */
final class Lz4Native
{
    static final String LIBRARY = "lz4-java";
    /** lz4-java's resource layout: {@code net/jpountz/util/OS/ARCH/liblz4-java.EXT}, ARCH as {@code os.arch}. */
    private static final String RESOURCE_DIRECTORY = "/net/jpountz/util/linux/";
    private static final String NATIVE_CLASS = "net.jpountz.util.Native";
    private static final String LOADED_FIELD = "loaded";

    private Lz4Native()
    {
    }

    /**
     * Load the library if it can be loaded without leaving a copy behind; call before
     * {@link LZ4Factory#nativeInstance()}.
     *
     * @return where it was loaded from, for messages: {@code "java.library.path"}, {@code "a copy removed at once"},
     * or {@code "left to lz4-java"} when lz4-java's own loader runs as before.
     */
    static String load()
    {
        try
        {
            System.loadLibrary(LIBRARY);
            return "java.library.path";
        }
        catch (final UnsatisfiedLinkError ex)
        {
            // Not on the library path: a test, a bench runner, or a node started without the launcher.
        }
        if (!System.getProperty("os.name", "").contains("Linux"))
        {
            return "left to lz4-java";
        }

        try
        {
            final Field loaded = Class.forName(NATIVE_CLASS, false, LZ4Factory.class.getClassLoader()).getDeclaredField(LOADED_FIELD);
            loaded.setAccessible(true);
            try (InputStream in = LZ4Factory.class.getResourceAsStream(
                RESOURCE_DIRECTORY + System.getProperty("os.arch") + "/lib" + LIBRARY + ".so"))
            {
                if (null == in)
                {
                    return "left to lz4-java";
                }
                final Path copy = Files.createTempFile("blocksync-lz4-", ".so");
                try
                {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                    System.load(copy.toString());
                }
                finally
                {
                    Files.deleteIfExists(copy);
                }
            }
            synchronized (loaded.getDeclaringClass())
            {
                loaded.setBoolean(null, true);
            }
            return "a copy removed at once";
        }
        catch (final ReflectiveOperationException | RuntimeException | IOException | UnsatisfiedLinkError ex)
        {
            return "left to lz4-java";
        }
    }
}
