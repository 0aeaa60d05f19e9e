package io.blocksync.daemon.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and validates a node's configuration file; see docs/CONFIG.md for the format. Every problem in the file is
 * reported at once, each as {@code FILE:LINE:COLUMN: message}.
 */
public final class ConfigReader
{
    private static final long MAX_FILE_BYTES = 1 << 20;

    private ConfigReader()
    {
    }

    /**
     * @param file to read; relative paths inside it resolve against its directory.
     * @return the validated configuration.
     * @throws ConfigException listing every problem, or saying why the file cannot be read or is refused: it, or a
     *                         directory above it, can be changed by someone other than root and the daemon's user
     *                         ({@link StrictModes}).
     */
    public static NodeConfig read(final Path file) throws ConfigException
    {
        final String untrusted = Files.exists(file) ? StrictModes.problem(file) : null;
        if (null != untrusted)
        {
            throw new ConfigException(List.of(file + ": refused: " + untrusted));
        }

        return parse(file, readText(file));
    }

    /**
     * @param source named in messages; relative paths in the text resolve against its directory.
     * @param text   the file's contents.
     * @return the validated configuration.
     * @throws ConfigException listing every problem.
     */
    public static NodeConfig parse(final Path source, final String text) throws ConfigException
    {
        final Diagnostics diagnostics = new Diagnostics(source.toString());
        final ConfigFile file = ConfigFile.parse(text, diagnostics);
        final NodeConfig config = ConfigBinder.bind(source, file, diagnostics);
        if (null == config)
        {
            throw new ConfigException(diagnostics.errors(), diagnostics.warnings());
        }

        return config;
    }

    private static String readText(final Path file) throws ConfigException
    {
        try
        {
            if (Files.isDirectory(file))
            {
                throw cannotRead(file, "it is a directory");
            }

            if (Files.size(file) > MAX_FILE_BYTES)
            {
                throw cannotRead(file, "larger than 1 MiB; is this the right file?");
            }

            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                .toString();
        }
        catch (final NoSuchFileException ex)
        {
            throw cannotRead(file, "no such file");
        }
        catch (final AccessDeniedException ex)
        {
            throw cannotRead(file, "permission denied");
        }
        catch (final CharacterCodingException ex)
        {
            throw cannotRead(file, "not UTF-8 text");
        }
        catch (final IOException ex)
        {
            throw cannotRead(file, FileProblems.reason(ex));
        }
    }

    private static ConfigException cannotRead(final Path file, final String reason)
    {
        return ConfigException.unreadable(file + ": cannot read: " + reason);
    }
}
