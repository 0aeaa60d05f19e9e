package io.blocksync.daemon.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A [source NAME] section: where attack events come from. Immutable; fields that do not apply to the type are
 * null or -1.
 */
public final class SourceConfig
{
    public static final String NFLOG = "nflog";
    public static final String PFLOG_FILE = "pflog-file";
    public static final String PCAP_PIPE = "pcap-pipe";
    public static final String PF_TABLE = "pf-table";
    public static final List<String> TYPES = List.of(NFLOG, PFLOG_FILE, PCAP_PIPE, PF_TABLE);

    private final String name;
    private final String type;
    private final int group;
    private final Path path;
    private final List<String> command;
    private final String table;
    private final long intervalMillis;
    private final long expireSeconds;

    SourceConfig(final Builder builder)
    {
        name = builder.name;
        type = builder.type;
        group = builder.group;
        path = builder.path;
        command = null == builder.command ? null : List.copyOf(builder.command);
        table = builder.table;
        intervalMillis = builder.intervalMillis;
        expireSeconds = builder.expireSeconds;
    }

    public String name()
    {
        return name;
    }

    /** One of {@link #TYPES}. */
    public String type()
    {
        return type;
    }

    /** NFLOG group for {@link #NFLOG}, else -1. */
    public int group()
    {
        return group;
    }

    /** The followed file for {@link #PFLOG_FILE}. */
    public Path path()
    {
        return path;
    }

    /** argv for {@link #PCAP_PIPE} (never run through a shell). */
    public List<String> command()
    {
        return command;
    }

    /** pf table for {@link #PF_TABLE}. */
    public String table()
    {
        return table;
    }

    /** Poll interval for {@link #PF_TABLE}. */
    public long intervalMillis()
    {
        return intervalMillis;
    }

    /** {@code pfctl -T expire} age for {@link #PF_TABLE}, 0 to leave the table alone. */
    public long expireSeconds()
    {
        return expireSeconds;
    }

    public String toString()
    {
        return "[source " + name + "] type " + type;
    }

    /**
     * Values gathered by {@link SourceSection} from one [source NAME] section; those of other types stay unset.
     */
    static final class Builder
    {
        final String name;
        final String type;
        int group = -1;
        Path path;
        List<String> command;
        String table;
        long intervalMillis = -1;
        long expireSeconds;

        Builder(final String name, final String type)
        {
            this.name = name;
            this.type = type;
        }
    }
}
