package io.blocksync.nativeio;

/**
 * Outcome of decoding one captured record into an {@link AttackEvent}.
 */
public enum DecodeResult
{
    /** Every field the link type carries was decoded. */
    OK,

    /** The bytes contradict the format; the record is counted and skipped. */
    MALFORMED,

    /** The capture ends before a needed field; fields decoded so far are kept in the event. */
    TRUNCATED,

    /** The capture's link type is not one this module decodes. */
    UNSUPPORTED_LINK_TYPE
}
