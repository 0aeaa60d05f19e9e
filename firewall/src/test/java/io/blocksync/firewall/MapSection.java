package io.blocksync.firewall;

import java.util.ArrayList;
import java.util.List;

/**
 * A [firewall] section in memory: one key per line from line 2 (the header is line 1), the value at column
 * {@code key.length() + 4} as in {@code key = value}. Problems are collected as {@code file:line:column: message}.
 */
final class MapSection implements SettingsSection
{
    private final List<String[]> entries = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<String> asked = new ArrayList<>();
    private boolean valid = true;

    MapSection(final String... keyValues)
    {
        for (int i = 0; i < keyValues.length; i += 2)
        {
            entries.add(new String[]{ keyValues[i], keyValues[i + 1] });
        }
    }

    @Override
    public <T> T value(final String key, final Parser<T> parser, final T defaultValue)
    {
        asked.add(key);
        final int index = indexOf(key);
        if (index < 0)
        {
            return defaultValue;
        }
        final T value = parse(index, parser);
        return null == value ? defaultValue : value;
    }

    @Override
    public <T> T required(final String key, final Parser<T> parser)
    {
        asked.add(key);
        final int index = indexOf(key);
        if (index < 0)
        {
            errors.add("test.conf:1:2: missing required key '" + key + "' in [firewall]");
            return null;
        }
        return parse(index, parser);
    }

    @Override
    public <T> List<T> values(final String key, final Parser<T> parser)
    {
        asked.add(key);
        final List<T> values = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++)
        {
            if (entries.get(i)[0].equals(key))
            {
                final T value = parse(i, parser);
                if (null != value)
                {
                    values.add(value);
                }
            }
        }
        return values;
    }

    @Override
    public String name(final String key, final String defaultValue)
    {
        return value(key, this::checkName, defaultValue);
    }

    @Override
    public String checkName(final String text)
    {
        if (!text.matches("[A-Za-z0-9._-]{1,64}"))
        {
            throw new IllegalArgumentException(quote(text) + ": a name is at most 64 letters, digits, '.', '_' and '-'");
        }
        return text;
    }

    @Override
    public boolean bool(final String key, final boolean defaultValue)
    {
        return value(key, (text) ->
        {
            if ("yes".equals(text) || "no".equals(text))
            {
                return "yes".equals(text);
            }
            throw new IllegalArgumentException(quote(text) + ": expected yes or no");
        }, defaultValue);
    }

    @Override
    public int integer(final String key, final int min, final int max, final int defaultValue)
    {
        return value(key, (text) ->
        {
            final int value = Integer.parseInt(text);
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(text + " is outside " + min + "-" + max);
            }
            return value;
        }, defaultValue);
    }

    @Override
    public long millis(final String key, final long min, final long max, final long defaultValue)
    {
        return value(key, (text) ->
        {
            final long value = text.endsWith("ms") ? Long.parseLong(text.substring(0, text.length() - 2)) :
                Long.parseLong(text.substring(0, text.length() - 1)) * 1000;
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(quote(text) + " is outside " + min + "ms-" + max + "ms");
            }
            return value;
        }, defaultValue);
    }

    @Override
    public String requiredPath(final String key)
    {
        return required(key, (text) -> "/etc/blocksync/" + text);
    }

    @Override
    public String quote(final String text)
    {
        return "'" + text + "'";
    }

    @Override
    public void error(final String message, final String... keys)
    {
        for (final String key : keys)
        {
            final int index = indexOf(key);
            if (index >= 0)
            {
                errors.add(location(index) + message);
                return;
            }
        }
        errors.add("test.conf:1:2: " + message);
    }

    @Override
    public boolean allValuesValid()
    {
        return valid;
    }

    private <T> T parse(final int index, final Parser<T> parser)
    {
        try
        {
            return parser.parse(entries.get(index)[1]);
        }
        catch (final IllegalArgumentException ex)
        {
            valid = false;
            errors.add(location(index) + entries.get(index)[0] + ": " + ex.getMessage());
            return null;
        }
    }

    private String location(final int index)
    {
        return "test.conf:" + (index + 2) + ":" + (entries.get(index)[0].length() + 4) + ": ";
    }

    private int indexOf(final String key)
    {
        for (int i = 0; i < entries.size(); i++)
        {
            if (entries.get(i)[0].equals(key))
            {
                return i;
            }
        }
        return -1;
    }
}
