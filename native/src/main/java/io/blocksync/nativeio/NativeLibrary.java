package io.blocksync.nativeio;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Loads libblocksync_nflog, the JNI library behind {@link NflogSocket}, once per JVM.
 * <p>
 * Where from, in order: the path in the system property {@value #PATH_PROPERTY}; the class path resource
 * {@code native/linux-ARCH/libblocksync_nflog.so}, loaded in place when it is a file (a build tree) or copied to a
 * temporary file first when it sits in a jar, the copy removed as soon as it is loaded. The Maven build compiles the library with gcc where it can and
 * leaves it out where it cannot, so a missing library is an expected state, reported in one line by
 * {@link #load(Consumer)}.
 */
public final class NativeLibrary
{
    public static final String LIBRARY_NAME = "blocksync_nflog";

    /** A path to the library, for a package that installs it outside the jar. */
    public static final String PATH_PROPERTY = "blocksync.native.library";

    private static final Object LOCK = new Object();
    private static boolean attempted;
    private static boolean loaded;
    private static boolean reported;
    private static String failure;

    private NativeLibrary()
    {
    }

    /**
     * Load the library if not yet tried; later calls return the first outcome.
     *
     * @return true if the library is loaded.
     */
    public static boolean load()
    {
        synchronized (LOCK)
        {
            if (!attempted)
            {
                attempted = true;
                failure = tryLoad();
                loaded = null == failure;
            }

            return loaded;
        }
    }

    /**
     * Load the library; if it cannot load, say so on the log once per JVM, however many sources ask.
     *
     * @param log receives the one line {@link #unavailableMessage()}.
     * @return true if the library is loaded.
     */
    public static boolean load(final Consumer<String> log)
    {
        final boolean ok = load();
        final boolean first;
        synchronized (LOCK)
        {
            first = !ok && !reported;
            reported = reported || first;
        }
        if (first)
        {
            log.accept(unavailableMessage());
        }

        return ok;
    }

    /**
     * @return why the library did not load, or null if it did (or was not tried yet).
     */
    public static String failure()
    {
        synchronized (LOCK)
        {
            return failure;
        }
    }

    /**
     * @return the operator's line for a library that did not load: what failed and what to use instead.
     */
    public static String unavailableMessage()
    {
        return "nflog source unavailable: cannot load the native library lib" + LIBRARY_NAME + ".so (" + failure() +
            "); read NFLOG through a pcap-pipe source instead: command = tcpdump -i nflog:GROUP -U -w - " +
            "(and give the nftables log rule queue-threshold 1, or the kernel holds events up to a second)";
    }

    /**
     * @return e.g. {@code native/linux-x86_64/libblocksync_nflog.so}, where the build puts the library.
     */
    public static String resourceName()
    {
        return "native/" + platform() + "/lib" + LIBRARY_NAME + ".so";
    }

    /**
     * @return {@code linux-x86_64}, {@code linux-aarch64}, ... as named by src/main/c/build-jni.sh.
     */
    public static String platform()
    {
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).replace(" ", "");
        final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        final String machine = "amd64".equals(arch) ? "x86_64" : "arm64".equals(arch) ? "aarch64" : arch;

        return os + "-" + machine;
    }

    private static String tryLoad()
    {
        if (!System.getProperty("os.name", "").startsWith("Linux"))
        {
            return "NFLOG exists only on Linux, this is " + System.getProperty("os.name");
        }

        final String configured = System.getProperty(PATH_PROPERTY);
        if (null != configured && !configured.isEmpty())
        {
            return loadFile(Path.of(configured), "-D" + PATH_PROPERTY + "=" + configured);
        }

        final String resource = resourceName();
        final URL url = NativeLibrary.class.getClassLoader().getResource(resource);
        if (null == url)
        {
            return "the class path holds no " + resource + "; it was built without gcc, or for another platform";
        }

        if ("file".equals(url.getProtocol()))
        {
            try
            {
                return loadFile(Path.of(url.toURI()), url.toString());
            }
            catch (final URISyntaxException | IllegalArgumentException ex)
            {
                return "bad resource location " + url + ": " + ex.getMessage();
            }
        }

        return extractAndLoad(url);
    }

    private static String extractAndLoad(final URL url)
    {
        final Path copy;
        try
        {
            // createTempFile picks an unguessable name with owner-only permissions.
            copy = Files.createTempFile("lib" + LIBRARY_NAME + "-", ".so");
        }
        catch (final IOException ex)
        {
            return "cannot create a temporary file in " + System.getProperty("java.io.tmpdir") + ": " + ex;
        }
        try
        {
            try (InputStream in = url.openStream())
            {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final IOException ex)
            {
                return "cannot copy " + url + " to " + copy + ": " + ex;
            }

            final String error = loadFile(copy, url + " copied to " + copy);
            return null == error ? null : error + " (a noexec java.io.tmpdir? set -D" + PATH_PROPERTY + "=PATH)";
        }
        finally
        {
            // Once loaded, the mapping outlives the name (dlopen holds the inode): removed now, not at exit, so a JVM
            // that is killed or halts leaves no copy behind.
            try
            {
                Files.deleteIfExists(copy);
            }
            catch (final IOException ignored)
            {
                // A copy we cannot remove is the tmpdir's to clean; the load's outcome stands.
            }
        }
    }

    private static String loadFile(final Path file, final String origin)
    {
        try
        {
            System.load(file.toAbsolutePath().toString());
            return null;
        }
        catch (final UnsatisfiedLinkError | SecurityException ex)
        {
            return origin + ": " + ex.getMessage();
        }
    }
}
