package io.blocksync.firewall;

import io.blocksync.codec.ReasonCode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Keys several backends share, read the same way by each.
 */
final class BackendKeys
{
    static final String MANAGED = "managed";
    static final String EXISTING = "existing";

    private BackendKeys()
    {
    }

    /**
     * @return true for {@code mode = managed} (the default), false for {@code existing}.
     */
    static boolean managed(final SettingsSection section)
    {
        return MANAGED.equals(section.value("mode", (text) ->
        {
            if (!MANAGED.equals(text) && !EXISTING.equals(text))
            {
                throw new IllegalArgumentException(section.quote(text) + " is not a mode; expected managed or existing");
            }
            return text;
        }, MANAGED));
    }

    /**
     * A name the config accepts and the tool too ({@code check} is one of {@link Names}).
     */
    static String name(
        final SettingsSection section, final String key, final String defaultValue, final UnaryOperator<String> check)
    {
        return section.value(key, (text) -> check.apply(section.checkName(text)), defaultValue);
    }

    static String requiredName(final SettingsSection section, final String key, final UnaryOperator<String> check)
    {
        return section.required(key, (text) -> check.apply(section.checkName(text)));
    }

    /**
     * Repeatable {@code KEY = reason:name} lines.
     */
    static Map<String, String> byReason(final SettingsSection section, final String key, final UnaryOperator<String> check)
    {
        final List<String[]> pairs = section.values(key, (text) ->
        {
            final String[] split = text.split(":", 2);
            if (split.length != 2 || null != ReasonCode.validate(split[0]))
            {
                throw new IllegalArgumentException(section.quote(text) + ": expected REASON:NAME, e.g. ssh:brutessh");
            }
            check.apply(section.checkName(split[1]));
            return split;
        });
        final Map<String, String> byReason = new LinkedHashMap<>();
        for (final String[] pair : pairs)
        {
            byReason.put(pair[0], pair[1]);
        }

        return byReason;
    }

    /**
     * In existing-set mode at least one set must be named; reported at {@code mode} unless a value was already wrong.
     *
     * @return true if the sets are usable.
     */
    static boolean checkExistingSets(final SettingsSection section, final String set4, final String set6)
    {
        if (null == set4 && null == set6)
        {
            if (section.allValuesValid())
            {
                section.error("mode existing needs set4, set6 or both: the sets bans are added to", "mode");
            }
            return false;
        }

        return true;
    }
}
