package io.blocksync.firewall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The kernel objects this node ever wrote to, one name a line in {@code firewall-objects} in the state directory, so
 * an object that a new configuration no longer maps (a renamed ipset set, a pf table no reason goes to any more) is
 * still emptied at the next start. Written atomically (temporary file and rename).
 */
final class ObjectRecord
{
    static final String FILE_NAME = "firewall-objects";

    private ObjectRecord()
    {
    }

    /**
     * Empty every recorded object the backend no longer writes, then record the current ones (and any that could not
     * be emptied, to try again next time).
     *
     * @param directory the state directory, or null for no record.
     */
    static void cleanUp(final Path directory, final FirewallBackend backend, final FirewallFailures failures)
    {
        if (null == directory)
        {
            return;
        }

        final Path file = directory.resolve(FILE_NAME);
        final Set<String> keep = new LinkedHashSet<>(backend.objects());
        try
        {
            if (Files.exists(file))
            {
                for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
                {
                    final String object = line.trim();
                    if (object.isEmpty() || keep.contains(object))
                    {
                        continue;
                    }
                    try
                    {
                        backend.cleanUp(object);
                    }
                    catch (final RuntimeException ex)
                    {
                        failures.failed(FailureKind.CLEANUP,
                            "emptying '" + object + "', no longer mapped: " + FirewallException.describe(ex));
                        keep.add(object);
                    }
                }
            }
            write(file, new ArrayList<>(keep));
        }
        catch (final IOException ex)
        {
            failures.failed(FailureKind.CLEANUP, "record of firewall objects " + file + ": " + ex);
        }
    }

    private static void write(final Path file, final List<String> objects) throws IOException
    {
        Files.createDirectories(file.getParent());
        final Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        Files.write(temporary, objects, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
