package io.blocksync.daemon.config;

/**
 * Turns a value's text into a typed value, or throws {@link IllegalArgumentException} with a message that quotes
 * the text and says what was expected. The message must not repeat secret text such as a key.
 *
 * @param <T> type of the value.
 */
@FunctionalInterface
interface ValueParser<T>
{
    T parse(String text);
}
