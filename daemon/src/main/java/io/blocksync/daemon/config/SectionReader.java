package io.blocksync.daemon.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the keys of one section for a binder. Asking for a key is what makes it accepted: once the binder is done,
 * {@link #finish()} reports every key it never asked for as unknown and lists the ones it did. Adding a key to the
 * format is therefore one call in a binder, nothing else.
 * <p>
 * A value that does not parse is reported at its column and the default is returned, so binding carries on and
 * every problem in the file is found in one pass.
 */
final class SectionReader
{
    private final ConfigSection section;
    private final Diagnostics diagnostics;
    private final Set<String> accepted = new LinkedHashSet<>();
    private final Set<String> duplicatesChecked = new HashSet<>();
    private boolean acceptAnyKey;
    private boolean allValuesValid = true;

    SectionReader(final ConfigSection section, final Diagnostics diagnostics)
    {
        this.section = section;
        this.diagnostics = diagnostics;
    }

    ConfigSection section()
    {
        return section;
    }

    /**
     * @return the single entry for a non-repeatable key, or null; later occurrences are reported as duplicates.
     */
    ConfigEntry entry(final String key)
    {
        final List<ConfigEntry> entries = entries(key);
        if (entries.isEmpty())
        {
            return null;
        }

        final ConfigEntry first = entries.get(0);
        if (duplicatesChecked.add(key))
        {
            for (int i = 1; i < entries.size(); i++)
            {
                final ConfigEntry duplicate = entries.get(i);
                diagnostics.error(duplicate.line(), duplicate.keyColumn(),
                    "duplicate key '" + key + "' in " + section.title() + " (first set on line " + first.line() + ")");
            }
        }

        return first;
    }

    /**
     * @return every entry of a repeatable key, in file order.
     */
    List<ConfigEntry> entries(final String key)
    {
        accepted.add(key);
        final List<ConfigEntry> found = new ArrayList<>(1);
        for (final ConfigEntry entry : section.entries())
        {
            if (entry.key().equals(key))
            {
                found.add(entry);
            }
        }

        return found;
    }

    /**
     * @return the parsed value, or the default when the key is absent or its value is wrong (which is reported).
     */
    <T> T value(final String key, final ValueParser<T> parser, final T defaultValue)
    {
        final ConfigEntry entry = entry(key);
        if (null == entry)
        {
            return defaultValue;
        }

        final T value = parse(entry, parser);

        return null == value ? defaultValue : value;
    }

    /**
     * @return the parsed value, or null when the key is missing (reported at the section header) or wrong.
     */
    <T> T required(final String key, final ValueParser<T> parser)
    {
        final ConfigEntry entry = entry(key);
        if (null == entry)
        {
            errorAtHeader("missing required key '" + key + "' in " + section.title());
            return null;
        }

        return parse(entry, parser);
    }

    /**
     * @return the parsed value, or null when it is wrong, which is reported at the value as "key: message".
     */
    <T> T parse(final ConfigEntry entry, final ValueParser<T> parser)
    {
        try
        {
            return parser.parse(entry.value());
        }
        catch (final IllegalArgumentException ex)
        {
            errorAtValue(entry, entry.key() + ": " + ex.getMessage());
            allValuesValid = false;
            return null;
        }
    }

    /**
     * Report a problem that involves several keys at the value of the first one the file sets, or at the header
     * when the file sets none of them (all defaults).
     */
    void errorAt(final String message, final String... keys)
    {
        final ConfigEntry entry = firstOf(keys);
        if (null == entry)
        {
            errorAtHeader(message);
        }
        else
        {
            errorAtValue(entry, message);
        }
    }

    /**
     * Warn at the value of the first of the keys the file sets, or at the header.
     */
    void warningAt(final String message, final String... keys)
    {
        final ConfigEntry entry = firstOf(keys);
        if (null == entry)
        {
            diagnostics.warning(section.line(), section.column(), message);
        }
        else
        {
            diagnostics.warning(entry.line(), entry.valueColumn(), message);
        }
    }

    /**
     * @return false once a value failed to parse; checks between keys are then skipped, since a default standing in
     * for the wrong value would only produce a second, misleading error.
     */
    boolean allValuesValid()
    {
        return allValuesValid;
    }

    void errorAtValue(final ConfigEntry entry, final String message)
    {
        diagnostics.error(entry.line(), entry.valueColumn(), message);
    }

    void errorAtKey(final ConfigEntry entry, final String message)
    {
        diagnostics.error(entry.line(), entry.keyColumn(), message);
    }

    void errorAtHeader(final String message)
    {
        diagnostics.error(section.line(), section.column(), message);
    }

    void warningAtValue(final ConfigEntry entry, final String message)
    {
        diagnostics.warning(entry.line(), entry.valueColumn(), message);
    }

    /**
     * Skip the unknown-key check, e.g. when an unknown firewall backend means the valid keys are not known either.
     */
    void acceptAnyKey()
    {
        acceptAnyKey = true;
    }

    /**
     * Report every key in the section that the binder never asked for.
     */
    void finish()
    {
        if (acceptAnyKey)
        {
            return;
        }

        for (final ConfigEntry entry : section.entries())
        {
            if (!accepted.contains(entry.key()))
            {
                errorAtKey(entry, "unknown key " + Quoted.quote(entry.key()) + " in " + section.title() +
                    NearMiss.hint(entry.key(), accepted, "'", "'") + "; accepted keys: " +
                    String.join(", ", accepted));
            }
        }
    }

    private ConfigEntry firstOf(final String... keys)
    {
        for (final String key : keys)
        {
            for (final ConfigEntry entry : section.entries())
            {
                if (entry.key().equals(key))
                {
                    return entry;
                }
            }
        }

        return null;
    }
}
