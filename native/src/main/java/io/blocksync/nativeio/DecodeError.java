package io.blocksync.nativeio;

/**
 * Why a capture stream or a record could not be decoded, with a message template for operators.
 * <p>
 * Templates name what was found and what was expected; {@code {v}} is replaced by the offending value and
 * {@code {l}} by the limit or expected value. {@link #isFatal()} errors stop a capture stream because the next
 * record boundary cannot be found again.
 */
public enum DecodeError
{
    NONE(DecodeResult.OK, false, "no error"),

    // Capture stream (pcap / pcapng framing).
    UNKNOWN_FILE_FORMAT(DecodeResult.MALFORMED, true,
        "not a pcap or pcapng stream: magic number is 0x{x}, expected a1b2c3d4, a1b23c4d (either byte order) " +
        "or 0a0d0d0a"),
    RECORD_LENGTH_INVALID(DecodeResult.MALFORMED, true,
        "pcap record header claims {v} captured bytes, at most {l} expected (snap length plus slack, 256 KiB cap); " +
        "cannot find the next record, stream stopped"),
    PCAPNG_BYTE_ORDER_MAGIC_INVALID(DecodeResult.MALFORMED, true,
        "pcapng section header byte-order magic is 0x{x}, expected 1a2b3c4d in either byte order; stream stopped"),
    PCAPNG_VERSION_UNSUPPORTED(DecodeResult.MALFORMED, true,
        "pcapng section header major version is {v}, expected {l}; stream stopped"),
    BLOCK_LENGTH_INVALID(DecodeResult.MALFORMED, true,
        "pcapng block length is {v}, expected a multiple of 4 from 12 to {l}; stream stopped"),
    BLOCK_TRAILER_MISMATCH(DecodeResult.MALFORMED, true,
        "pcapng block trailer length is {v}, expected {l} as in its header; stream stopped"),
    BLOCK_TOO_SHORT(DecodeResult.MALFORMED, false,
        "pcapng block is {v} bytes, its type needs at least {l}; block skipped"),
    UNKNOWN_INTERFACE(DecodeResult.MALFORMED, false,
        "pcapng packet names interface {v}, only {l} declared in this section; packet skipped"),
    TOO_MANY_INTERFACES(DecodeResult.MALFORMED, false,
        "pcapng section declares more than {l} interfaces; interface description skipped"),
    PACKET_EXCEEDS_BLOCK(DecodeResult.MALFORMED, false,
        "pcapng packet claims {v} captured bytes, its block holds {l}; packet skipped"),
    TRUNCATED_FILE_HEADER(DecodeResult.TRUNCATED, false,
        "stream ended inside the file header: {v} of {l} bytes"),
    TRUNCATED_RECORD_HEADER(DecodeResult.TRUNCATED, false,
        "stream ended inside a record header: {v} of {l} bytes"),
    TRUNCATED_BLOCK(DecodeResult.TRUNCATED, false,
        "stream ended inside a pcapng block: {v} of {l} bytes"),
    RECORD_TRUNCATED(DecodeResult.TRUNCATED, false,
        "stream ended inside the last record: {v} of {l} captured bytes present"),

    // Record level.
    UNSUPPORTED_LINK_TYPE(DecodeResult.UNSUPPORTED_LINK_TYPE, false,
        "link type {v} is not decoded; expected 117 (pflog), 239 (NFLOG), 101, 228 or 229 (raw IP)"),
    PFLOG_HEADER_LENGTH_INVALID(DecodeResult.MALFORMED, false,
        "pflog header length byte is {v}, expected at least {l}"),
    PFLOG_HEADER_TRUNCATED(DecodeResult.TRUNCATED, false,
        "record has {v} bytes, the pflog header and its padding need {l}"),
    PFLOG_ADDRESS_FAMILY_UNKNOWN(DecodeResult.MALFORMED, false,
        "pflog address family is {v}, expected 2 (IPv4) or 24, 28, 30 (IPv6)"),
    NFLOG_HEADER_TRUNCATED(DecodeResult.TRUNCATED, false,
        "record has {v} bytes, the NFLOG header needs {l}"),
    NFLOG_VERSION_UNSUPPORTED(DecodeResult.MALFORMED, false,
        "NFLOG version is {v}, expected {l}"),
    TLV_LENGTH_TOO_SHORT(DecodeResult.MALFORMED, false,
        "TLV length is {v}, expected at least {l} (its own header)"),
    TLV_OVERRUNS_RECORD(DecodeResult.MALFORMED, false,
        "TLV claims {v} bytes, only {l} remain in the record"),
    TLV_VALUE_TOO_SHORT(DecodeResult.MALFORMED, false,
        "TLV value is {v} bytes, its type needs {l}"),
    NFLOG_NO_PAYLOAD(DecodeResult.TRUNCATED, false,
        "NFLOG record carries no packet payload (copy range 0?)"),
    NOT_IP(DecodeResult.MALFORMED, false,
        "packet IP version is {v}, expected 4 or 6"),
    IP_VERSION_MISMATCH(DecodeResult.MALFORMED, false,
        "packet IP version is {v}, the link header announced {l}"),
    IP_HEADER_TRUNCATED(DecodeResult.TRUNCATED, false,
        "{v} bytes of IP header captured, {l} needed"),
    IP_HEADER_LENGTH_INVALID(DecodeResult.MALFORMED, false,
        "IPv4 header length is {v} bytes, expected at least {l}"),
    IP_TOTAL_LENGTH_INVALID(DecodeResult.MALFORMED, false,
        "IPv4 total length is {v}, shorter than its {l}-byte header"),
    IPV6_EXTENSION_TRUNCATED(DecodeResult.TRUNCATED, false,
        "IPv6 extension header needs {l} bytes, {v} captured"),
    TRANSPORT_HEADER_TRUNCATED(DecodeResult.TRUNCATED, false,
        "{v} bytes of transport header captured, {l} needed for the ports or ICMP type"),

    // NFLOG netlink socket.
    NETLINK_MESSAGE_LENGTH_INVALID(DecodeResult.MALFORMED, false,
        "netlink message length is {v}, expected 16 up to the {l} bytes left in the datagram; rest skipped"),
    NETLINK_DATAGRAM_TRUNCATED(DecodeResult.TRUNCATED, false,
        "netlink datagram is {v} bytes, the receive buffer holds {l}; messages past the buffer are lost");

    private final DecodeResult result;
    private final boolean fatal;
    private final String template;

    DecodeError(final DecodeResult result, final boolean fatal, final String template)
    {
        this.result = result;
        this.fatal = fatal;
        this.template = template;
    }

    /**
     * @return the record outcome this error stands for.
     */
    public DecodeResult result()
    {
        return result;
    }

    /**
     * @return true if a capture stream cannot continue after this error.
     */
    public boolean isFatal()
    {
        return fatal;
    }

    /**
     * @return the message template with its {@code {v}}, {@code {x}} and {@code {l}} placeholders.
     */
    public String template()
    {
        return template;
    }

    /**
     * Append the message with the placeholders filled in, without allocating beyond the builder's growth.
     *
     * @param out   to append to.
     * @param value the offending value: {@code {v}} in decimal, {@code {x}} as 8 hex digits.
     * @param limit the expected value or bound for {@code {l}}.
     */
    public void appendMessage(final StringBuilder out, final long value, final long limit)
    {
        final String t = template;
        final int length = t.length();
        for (int i = 0; i < length; i++)
        {
            final char c = t.charAt(i);
            if ('{' == c && i + 2 < length && '}' == t.charAt(i + 2))
            {
                final char name = t.charAt(i + 1);
                if ('v' == name)
                {
                    out.append(value);
                    i += 2;
                    continue;
                }
                if ('l' == name)
                {
                    out.append(limit);
                    i += 2;
                    continue;
                }
                if ('x' == name)
                {
                    appendHex32(out, value);
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
    }

    /**
     * @param value the offending value.
     * @param limit the expected value or bound.
     * @return the message as a new string; for logs and tests, not the hot path.
     */
    public String message(final long value, final long limit)
    {
        final StringBuilder out = new StringBuilder(template.length() + 24);
        appendMessage(out, value, limit);

        return out.toString();
    }

    private static void appendHex32(final StringBuilder out, final long value)
    {
        for (int shift = 28; shift >= 0; shift -= 4)
        {
            out.append(Character.forDigit((int)(value >>> shift) & 0xF, 16));
        }
    }
}
