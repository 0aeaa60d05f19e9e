package io.blocksync.daemon.config;

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
        int group = -1;
        Path path = null;
        List<String> command = null;
        String table = null;
        long intervalMillis = -1;
        long expireSeconds = 0;
        if (SourceConfig.NFLOG.equals(type))
        {
            final Integer parsed = reader.required("group", Values.integer(0, 65_535));
            group = null == parsed ? -1 : parsed;
        }
        else if (SourceConfig.PFLOG_FILE.equals(type))
        {
            path = reader.value("path", Values.path(baseDirectory), DEFAULT_PFLOG_FILE);
        }
        else if (SourceConfig.PCAP_PIPE.equals(type))
        {
            command = reader.required("command", SourceSection::parseCommand);
        }
        else if (SourceConfig.PF_TABLE.equals(type))
        {
            table = reader.required("table", Values.name());
            intervalMillis = reader.value("interval", Values.millis(1_000, 86_400_000), 60_000L);
            expireSeconds = reader.value("expire", Values.banSeconds(), 0L);
        }
        reader.finish();

        return null == type || !reader.allValuesValid() ? null :
            new SourceConfig(name, type, group, path, command, table, intervalMillis, expireSeconds);
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
