package io.blocksync.daemon.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A section as the firewall module reads it: each getter goes through the {@link SectionReader}, so values follow
 * the file's rules ({@link Values}) and a wrong one is reported at its line and column like any other key.
 */
final class SettingsSection implements io.blocksync.firewall.SettingsSection
{
    private final SectionReader reader;
    private final Path baseDirectory;

    SettingsSection(final SectionReader reader, final Path baseDirectory)
    {
        this.reader = reader;
        this.baseDirectory = baseDirectory;
    }

    @Override
    public <T> T value(final String key, final Parser<T> parser, final T defaultValue)
    {
        return reader.value(key, parser::parse, defaultValue);
    }

    @Override
    public <T> T required(final String key, final Parser<T> parser)
    {
        return reader.required(key, parser::parse);
    }

    @Override
    public <T> List<T> values(final String key, final Parser<T> parser)
    {
        final List<T> values = new ArrayList<>();
        for (final ConfigEntry entry : reader.entries(key))
        {
            final T value = reader.parse(entry, parser::parse);
            if (null != value)
            {
                values.add(value);
            }
        }

        return values;
    }

    @Override
    public String name(final String key, final String defaultValue)
    {
        return reader.value(key, Values.name(), defaultValue);
    }

    @Override
    public String checkName(final String text)
    {
        return Values.name().parse(text);
    }

    @Override
    public boolean bool(final String key, final boolean defaultValue)
    {
        return reader.value(key, SettingsSection::parseBoolean, defaultValue);
    }

    @Override
    public int integer(final String key, final int min, final int max, final int defaultValue)
    {
        return reader.value(key, Values.integer(min, max), defaultValue);
    }

    @Override
    public long millis(final String key, final long min, final long max, final long defaultValue)
    {
        return reader.value(key, Values.millis(min, max), defaultValue);
    }

    @Override
    public String requiredPath(final String key)
    {
        final Path path = reader.required(key, Values.path(baseDirectory));

        return null == path ? null : path.toString();
    }

    @Override
    public String quote(final String text)
    {
        return Quoted.quote(text);
    }

    @Override
    public void error(final String message, final String... keys)
    {
        reader.errorAt(message, keys);
    }

    @Override
    public boolean allValuesValid()
    {
        return reader.allValuesValid();
    }

    private static boolean parseBoolean(final String text)
    {
        switch (text)
        {
            case "yes":
            case "true":
                return true;
            case "no":
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(Quoted.quote(text) + ": expected yes or no");
        }
    }
}
