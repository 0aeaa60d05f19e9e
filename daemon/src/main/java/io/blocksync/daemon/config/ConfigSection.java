package io.blocksync.daemon.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code [name]} or {@code [name argument]} header and the entries under it, in file order.
 */
final class ConfigSection
{
    private final String name;
    private final String argument;
    private final int line;
    private final int column;
    private final int argumentColumn;
    private final List<ConfigEntry> entries = new ArrayList<>();

    ConfigSection(final String name, final String argument, final int line, final int column, final int argumentColumn)
    {
        this.name = name;
        this.argument = argument;
        this.line = line;
        this.column = column;
        this.argumentColumn = argumentColumn;
    }

    /**
     * A section the file leaves out, so its defaults apply; positions point at the start of the file.
     */
    static ConfigSection absent(final String name)
    {
        return new ConfigSection(name, null, 1, 1, 1);
    }

    String name()
    {
        return name;
    }

    /**
     * @return the text after the name, e.g. the peer id in {@code [peer 2]}, or null.
     */
    String argument()
    {
        return argument;
    }

    int line()
    {
        return line;
    }

    /**
     * @return 1-based column of the section name.
     */
    int column()
    {
        return column;
    }

    int argumentColumn()
    {
        return argumentColumn;
    }

    List<ConfigEntry> entries()
    {
        return entries;
    }

    void add(final ConfigEntry entry)
    {
        entries.add(entry);
    }

    /**
     * @return the header as written, e.g. {@code [peer 2]}.
     */
    String title()
    {
        return null == argument ? "[" + name + "]" : "[" + name + " " + argument + "]";
    }
}
