import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Package step, before the class-data archive (run as a single-file source program by the build's JDK):
 * rewrites each signed jar of DIST/lib without its signature (META-INF/*.SF, *.DSA, *.RSA, *.EC, SIG-*) and with
 * only the main section of its manifest. BouncyCastle's bcprov is the one: the JVM verifies a signed jar when the
 * first class is loaded from it (SHA-256 of every class it loads plus the 0.8 MB manifest, parsed into 5,800
 * per-entry attribute maps that stay on the heap: 7-8 MiB of RSS and 0.2 s of CPU per start, PERFORMANCE.md
 * "Issue 12"), and CDS refuses to archive classes from a signed jar. BlockSync uses BouncyCastle's lightweight API
 * and never registers it as a JCE provider, so nothing needs the signature. Entries are copied as they are
 * (same names, order, times and contents).
 * Usage: java UnsignJars.java DIST_DIR
 */
public final class UnsignJars
{
    public static void main(final String[] args) throws IOException
    {
        final Path lib = Path.of(args[0], "lib");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar"))
        {
            for (final Path jar : jars)
            {
                if (isSigned(jar))
                {
                    unsign(jar);
                    System.out.println("unsign-jars: " + jar.getFileName() + " without its signature");
                }
            }
        }
    }

    static boolean isSignature(final String name)
    {
        final String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0)
        {
            return false;
        }
        return upper.endsWith(".SF") || upper.endsWith(".DSA") || upper.endsWith(".RSA") || upper.endsWith(".EC")
            || upper.startsWith("META-INF/SIG-");
    }

    private static boolean isSigned(final Path jar) throws IOException
    {
        try (ZipFile zip = new ZipFile(jar.toFile()))
        {
            return zip.stream().anyMatch(entry -> isSignature(entry.getName()));
        }
    }

    private static void unsign(final Path jar) throws IOException
    {
        final Path unsigned = jar.resolveSibling(jar.getFileName() + ".unsigned");
        try (ZipFile zip = new ZipFile(jar.toFile());
            ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(unsigned)))
        {
            final Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements())
            {
                final ZipEntry entry = entries.nextElement();
                final String name = entry.getName();
                if (isSignature(name))
                {
                    continue;
                }
                final ZipEntry copy = new ZipEntry(name);
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                try (InputStream in = zip.getInputStream(entry))
                {
                    if (JarFile.MANIFEST_NAME.equalsIgnoreCase(name))
                    {
                        mainSectionOnly(in, out);
                    }
                    else
                    {
                        in.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
        Files.move(unsigned, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void mainSectionOnly(final InputStream in, final OutputStream out) throws IOException
    {
        final Manifest manifest = new Manifest(in);
        final Manifest main = new Manifest();
        main.getMainAttributes().putAll(manifest.getMainAttributes());
        if (main.getMainAttributes().getValue(Attributes.Name.MANIFEST_VERSION) == null)
        {
            main.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        }
        main.write(out);
    }
}
