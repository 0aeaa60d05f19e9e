package io.blocksync.firewall;

import java.util.List;

/**
 * One configuration section as a backend reads it: typed getters by key. The daemon implements it over its config
 * reader, so each value follows the file's rules and a bad one is reported at its file:line:column ("KEY: why")
 * while the getter returns the default, and reading carries on so every problem is found in one pass. Asking for a
 * key is what makes it valid in the section.
 */
public interface SettingsSection
{
    /**
     * Parses one value; throws {@link IllegalArgumentException} with the reason it is wrong.
     */
    @FunctionalInterface
    interface Parser<T>
    {
        T parse(String text);
    }

    /**
     * @return the value under {@code key}, or {@code defaultValue} when it is absent or wrong (reported).
     */
    <T> T value(String key, Parser<T> parser, T defaultValue);

    /**
     * @return the value, or null when the key is missing (reported at the section header) or wrong (reported).
     */
    <T> T required(String key, Parser<T> parser);

    /**
     * @return every value of a repeatable key in file order, wrong ones left out (and reported).
     */
    <T> List<T> values(String key, Parser<T> parser);

    /**
     * @return a short label (letters, digits, '.', '_' and '-'), or the default.
     */
    String name(String key, String defaultValue);

    /**
     * @return the text if it is a valid name for {@link #name}; otherwise throws {@link IllegalArgumentException}.
     */
    String checkName(String text);

    /**
     * @return {@code yes}/{@code true} or {@code no}/{@code false}, or the default.
     */
    boolean bool(String key, boolean defaultValue);

    /**
     * @return a whole number within min-max, or the default.
     */
    int integer(String key, int min, int max, int defaultValue);

    /**
     * @return a duration in ms ({@code 20ms}, {@code 1s}) within min-max ms, or the default.
     */
    long millis(String key, long min, long max, long defaultValue);

    /**
     * @return a required file path, resolved against the configuration file's directory; null if missing or wrong.
     */
    String requiredPath(String key);

    /**
     * @return operator text quoted for a message (control characters escaped, long text cut).
     */
    String quote(String text);

    /**
     * Report a problem that involves several keys, at the first of them the file sets, or at the section header.
     */
    void error(String message, String... keys);

    /**
     * @return false once any value failed to parse, so checks across keys can be skipped.
     */
    boolean allValuesValid();
}
