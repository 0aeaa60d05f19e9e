package io.blocksync.firewall;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test scripts from src/test/resources, copied into a directory and made executable.
 */
final class Scripts
{
    private Scripts()
    {
    }

    static Path install(final Path directory, final String name) throws IOException
    {
        final Path script = directory.resolve(name);
        try (InputStream in = Scripts.class.getResourceAsStream(name))
        {
            if (null == in)
            {
                throw new IOException("missing test resource " + name);
            }
            Files.copy(in, script);
        }
        if (!script.toFile().setExecutable(true))
        {
            throw new IOException("cannot make " + script + " executable");
        }
        return script;
    }

    static List<String> lines(final Path file) throws IOException
    {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }
}
