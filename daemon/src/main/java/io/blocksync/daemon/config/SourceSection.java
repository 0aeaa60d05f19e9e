package io.blocksync.daemon.config;

import io.blocksync.nativeio.PfTableSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * [source NAME]: nflog (group), pflog-file (path), pcap-pipe (command), pf-table (table, interval, expire).
 */
final class SourceSection
{
    static final String NAME = "source";
    static final Path DEFAULT_PFLOG_FILE = Path.of("/var/log/pflog");

    private SourceSection()
    {
    }

    /**
     * @return the source, or null when something is wrong (reported).
     */
    static SourceConfig bind(final SectionReader reader, final String name, final Path baseDirectory)
    {
        final String type = reader.required("type", SourceSection::parseType);
        final SourceConfig.Builder source = new SourceConfig.Builder(name, type);
        if (SourceConfig.NFLOG.equals(type))
        {
            final Integer parsed = reader.required("group", Values.integer(0, 65_535));
            source.group = null == parsed ? -1 : parsed;
        }
        else if (SourceConfig.PFLOG_FILE.equals(type))
        {
            source.path = reader.value("path", Values.path(baseDirectory), DEFAULT_PFLOG_FILE);
        }
        else if (SourceConfig.PCAP_PIPE.equals(type))
        {
            source.command = reader.required("command", SourceSection::parseCommand);
        }
        else if (SourceConfig.PF_TABLE.equals(type))
        {
            source.table = reader.required("table", Values.name());
            source.intervalMillis = reader.value("interval", Values.millis(1_000, 86_400_000), 60_000L);
            source.expireSeconds = reader.value("expire", Values.banSeconds(), 0L);
        }
        reader.finish();
        checkProgram(reader, source);

        return null == type || !reader.allValuesValid() ? null : new SourceConfig(source);
    }

    /**
     * The capture command, or pfctl for a pf table, runs as the daemon's user.
     */
    private static void checkProgram(final SectionReader reader, final SourceConfig.Builder source)
    {
        if (!reader.allValuesValid())
        {
            return;
        }

        if (null != source.command)
        {
            StrictModes.checkProgram(reader, reader.entry("command"), source.command.get(0));
        }
        else if (SourceConfig.PF_TABLE.equals(source.type))
        {
            StrictModes.checkProgram(reader, reader.entry("type"), PfTableSource.DEFAULT_PFCTL);
        }
    }

    private static String parseType(final String text)
    {
        if (!SourceConfig.TYPES.contains(text))
        {
            throw new IllegalArgumentException(Quoted.quote(text) + " is not a source type; expected one of " +
                String.join(", ", SourceConfig.TYPES) + NearMiss.hint(text, SourceConfig.TYPES, "'", "'"));
        }
        return text;
    }

    /** Split on spaces: the command is run directly, never through a shell. */
    private static List<String> parseCommand(final String text)
    {
        final List<String> argv = Arrays.asList(text.trim().split("\\s+"));
        if (argv.isEmpty() || argv.get(0).isEmpty())
        {
            throw new IllegalArgumentException("empty command");
        }
        return argv;
    }
}
