package io.blocksync.daemon.config;

/**
 * One {@code key = value} line with the 1-based positions needed to point an operator at it.
 *
 * @param key         as written, never empty.
 * @param value       without surrounding whitespace or trailing comment, never empty.
 * @param line        1-based line number.
 * @param keyColumn   1-based column of the key's first character.
 * @param valueColumn 1-based column of the value's first character.
 */
record ConfigEntry(String key, String value, int line, int keyColumn, int valueColumn)
{
}
