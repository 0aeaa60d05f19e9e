package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the decoded-field maps used in codec/src/test/resources/vectors.json and datagram bytes, through
 * the production flyweights. {@link #main(String[])} regenerates the vectors file after an intended format change.
 */
public final class ProtocolVectors
{
    private ProtocolVectors()
    {
    }

    static byte[] encode(final Map<String, Object> fields, final byte[] key)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH]);
        final String type = (String)fields.get("type");
        final int unsealedLength;
        switch (type)
        {
            case "BATCH":
            {
                final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, num(fields, "stream_sequence"));
                for (final Object item : list(fields, "records"))
                {
                    @SuppressWarnings("unchecked") final Map<String, Object> record = (Map<String, Object>)item;
                    fillRecord(batch.appendRecord(action(record)), record);
                }
                unsealedLength = batch.unsealedLength();
                break;
            }
            case "ACK":
                new AckFrameFlyweight().begin(buffer, 0)
                    .streamSenderId((int)num(fields, "stream_sender_id"))
                    .cumulative(num(fields, "cumulative"))
                    .selectiveBitmap(num(fields, "selective_bitmap"));
                unsealedLength = AckFrameFlyweight.UNSEALED_LENGTH;
                break;
            case "HEARTBEAT":
            {
                final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight().begin(buffer, 0,
                    num(fields, "stream_next_sequence"), num(fields, "stream_oldest_retained"), num(fields, "sender_time_millis"));
                for (final Object item : list(fields, "entries"))
                {
                    @SuppressWarnings("unchecked") final Map<String, Object> entry = (Map<String, Object>)item;
                    heartbeat.appendEntry((int)num(entry, "origin_node_id"), num(entry, "high_water"));
                }
                unsealedLength = heartbeat.unsealedLength();
                break;
            }
            case "SYNC":
            {
                final SyncFrameFlyweight sync = new SyncFrameFlyweight().begin(buffer, 0,
                    (int)num(fields, "origin_node_id"), num(fields, "after")).through(num(fields, "through"));
                for (final Object item : list(fields, "records"))
                {
                    @SuppressWarnings("unchecked") final Map<String, Object> record = (Map<String, Object>)item;
                    fillRecord(sync.appendRecord(action(record)), record);
                }
                unsealedLength = sync.unsealedLength();
                break;
            }
            default:
                throw new IllegalArgumentException("unknown type " + type);
        }

        new FrameHeaderFlyweight().wrap(buffer, 0).flags((int)num(fields, "flags"));
        final FrameSigner signer = new FrameSigner((int)num(fields, "sender_id"), (int)num(fields, "key_id"), key, 1);
        final int length = signer.seal(buffer, 0, unsealedLength, num(fields, "sequence"));
        final byte[] datagram = new byte[length];
        buffer.getBytes(0, datagram);
        return datagram;
    }

    private static int action(final Map<String, Object> record)
    {
        return "BAN".equals(record.get("action")) ? BanRecordFlyweight.ACTION_BAN : BanRecordFlyweight.ACTION_UNBAN;
    }

    private static void fillRecord(final BanRecordFlyweight flyweight, final Map<String, Object> record)
    {
        flyweight
            .prefix(TestFrames.prefix((String)record.get("prefix")))
            .protocol((int)num(record, "protocol"))
            .port((int)num(record, "port"))
            .originNodeId((int)num(record, "origin_node_id"))
            .durationSeconds(num(record, "duration_seconds"))
            .originSequence(num(record, "origin_sequence"))
            .originTimeMillis(num(record, "origin_time_millis"))
            .reason(ReasonCode.of((String)record.get("reason")));
    }

    private static List<Object> decodeRecords(final int count, final java.util.function.IntFunction<BanRecordFlyweight> records)
    {
        final List<Object> list = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final BanRecordFlyweight record = records.apply(i);
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("action", record.action() == BanRecordFlyweight.ACTION_BAN ? "BAN" : "UNBAN");
            r.put("prefix", prefixWithLength(record.getPrefix(new IpPrefix())));
            r.put("protocol", (long)record.protocol());
            r.put("port", (long)record.port());
            r.put("origin_node_id", (long)record.originNodeId());
            r.put("duration_seconds", record.durationSeconds());
            r.put("origin_sequence", record.originSequence());
            r.put("origin_time_millis", record.originTimeMillis());
            r.put("reason", ReasonCode.unpack(record.reasonPacked()));
            list.add(r);
        }
        return list;
    }

    static Map<String, Object> decode(final byte[] datagram)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(datagram);
        final FrameHeaderFlyweight header = new FrameHeaderFlyweight().wrap(buffer, 0);
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("type", FrameType.name(header.type()));
        fields.put("version", (long)header.version());
        fields.put("key_id", (long)header.keyId());
        fields.put("flags", (long)header.flags());
        fields.put("frame_length", (long)header.frameLength());
        fields.put("count", (long)header.count());
        fields.put("sequence", header.sequence());
        fields.put("sender_id", (long)header.senderId());
        switch (header.type())
        {
            case FrameType.BATCH:
            {
                final BatchFrameFlyweight batch = new BatchFrameFlyweight().wrap(buffer, 0);
                fields.put("stream_sequence", batch.streamSequence());
                fields.put("records", decodeRecords(batch.recordCount(), batch::record));
                break;
            }
            case FrameType.ACK:
            {
                final AckFrameFlyweight ack = new AckFrameFlyweight().wrap(buffer, 0);
                fields.put("stream_sender_id", (long)ack.streamSenderId());
                fields.put("cumulative", ack.cumulative());
                fields.put("selective_bitmap", ack.selectiveBitmap());
                break;
            }
            case FrameType.HEARTBEAT:
            {
                final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight().wrap(buffer, 0);
                fields.put("stream_next_sequence", heartbeat.streamNextSequence());
                fields.put("stream_oldest_retained", heartbeat.streamOldestRetained());
                fields.put("sender_time_millis", heartbeat.senderTimeMillis());
                final List<Object> entries = new ArrayList<>();
                for (int i = 0; i < heartbeat.entryCount(); i++)
                {
                    final Map<String, Object> e = new LinkedHashMap<>();
                    e.put("origin_node_id", (long)heartbeat.entryOriginNodeId(i));
                    e.put("high_water", heartbeat.entryHighWater(i));
                    entries.add(e);
                }
                fields.put("entries", entries);
                break;
            }
            case FrameType.SYNC:
            {
                final SyncFrameFlyweight sync = new SyncFrameFlyweight().wrap(buffer, 0);
                fields.put("origin_node_id", (long)sync.originNodeId());
                fields.put("after", sync.after());
                fields.put("through", sync.through());
                fields.put("records", decodeRecords(sync.recordCount(), sync::record));
                break;
            }
            default:
                break;
        }
        return fields;
    }

    static String prefixWithLength(final IpPrefix prefix)
    {
        final StringBuilder out = new StringBuilder();
        AddressText.appendAddress(prefix.family(), prefix.copyAddress(), out);
        return out.append('/').append(prefix.prefixLength()).toString();
    }

    static String hex(final byte[] bytes, final int from, final int to)
    {
        final StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++)
        {
            out.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return out.toString();
    }

    static byte[] unhex(final String hex)
    {
        final String clean = hex.replaceAll("\\s", "");
        final byte[] bytes = new byte[clean.length() / 2];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static long num(final Map<String, Object> map, final String key)
    {
        final Object value = map.get(key);
        if (!(value instanceof Long))
        {
            throw new IllegalArgumentException("field '" + key + "' is missing or not an integer: " + value);
        }
        return (Long)value;
    }

    private static List<?> list(final Map<String, Object> map, final String key)
    {
        return (List<?>)map.get(key);
    }

    /** Prints vectors.json for the sample fields below; run after an intended wire format change. */
    public static void main(final String[] args)
    {
        final List<Object[]> vectors = new ArrayList<>();
        vectors.add(new Object[]{ "batch-one-ipv4-ban", TestFrames.key(0x00), fields(
            "type", "BATCH", "key_id", 1L, "flags", 0L, "sequence", 1_764_000_000_000_001L, "sender_id", 1L,
            "stream_sequence", 1L,
            "records", List.of(fields("action", "BAN", "prefix", "192.0.2.1/32", "protocol", 6L, "port", 22L,
                "origin_node_id", 1L, "duration_seconds", 3600L, "origin_sequence", 1L,
                "origin_time_millis", 1_764_000_000_000L, "reason", "ssh"))) });
        vectors.add(new Object[]{ "batch-ipv6-ban-and-ipv4-unban", TestFrames.key(0x00), fields(
            "type", "BATCH", "key_id", 1L, "flags", 0L, "sequence", 1_764_000_000_000_002L, "sender_id", 1L,
            "stream_sequence", 2L,
            "records", List.of(
                fields("action", "BAN", "prefix", "2001:db8:bad:1::/64", "protocol", 0L, "port", 0L,
                    "origin_node_id", 1L, "duration_seconds", 86_400L, "origin_sequence", 2L,
                    "origin_time_millis", 1_764_000_123_456L, "reason", "scan"),
                fields("action", "UNBAN", "prefix", "198.51.100.0/24", "protocol", 0L, "port", 0L,
                    "origin_node_id", 1L, "duration_seconds", 0L, "origin_sequence", 3L,
                    "origin_time_millis", 1_764_000_200_000L, "reason", "http"))) });
        vectors.add(new Object[]{ "ack", TestFrames.key(0xA0), fields(
            "type", "ACK", "key_id", 2L, "flags", 0L, "sequence", 5_000L, "sender_id", 2L,
            "stream_sender_id", 1L, "cumulative", 1L, "selective_bitmap", 2L) });
        vectors.add(new Object[]{ "heartbeat-two-origins", TestFrames.key(0xA0), fields(
            "type", "HEARTBEAT", "key_id", 2L, "flags", 0L, "sequence", 5_001L, "sender_id", 2L,
            "stream_next_sequence", 8L, "stream_oldest_retained", 6L, "sender_time_millis", 1_764_000_300_000L,
            "entries", List.of(fields("origin_node_id", 1L, "high_water", 3L), fields("origin_node_id", 3L, "high_water", 17L))) });

        vectors.add(new Object[]{ "sync-catch-up", TestFrames.key(0xA0), fields(
            "type", "SYNC", "key_id", 2L, "flags", 0L, "sequence", 5_002L, "sender_id", 2L,
            "origin_node_id", 3L, "after", 15L, "through", 17L,
            "records", List.of(fields("action", "BAN", "prefix", "2001:db8:bad:1::/64", "protocol", 0L, "port", 0L,
                "origin_node_id", 3L, "duration_seconds", 86_400L, "origin_sequence", 17L,
                "origin_time_millis", 1_764_000_123_456L, "reason", "scan"))) });

        final StringBuilder json = new StringBuilder("[\n");
        for (int v = 0; v < vectors.size(); v++)
        {
            final String name = (String)vectors.get(v)[0];
            final byte[] key = (byte[])vectors.get(v)[1];
            @SuppressWarnings("unchecked") final Map<String, Object> input = (Map<String, Object>)vectors.get(v)[2];
            final byte[] datagram = encode(input, key);
            final int end = datagram.length - FrameHeaderFlyweight.TAG_LENGTH;
            json.append("  {\n    \"name\": \"").append(name).append("\",\n")
                .append("    \"key\": \"").append(hex(key, 0, key.length)).append("\",\n")
                .append("    \"datagram\": \"").append(hex(datagram, 0, datagram.length)).append("\",\n")
                .append("    \"authenticated\": [0, ").append(end).append("],\n")
                .append("    \"tag\": \"").append(hex(datagram, end, datagram.length)).append("\",\n")
                .append("    \"fields\": ");
            appendJson(decode(datagram), json, "    ");
            json.append("\n  }").append(v + 1 < vectors.size() ? ",\n" : "\n");
        }
        System.out.print(json.append("]\n"));
    }

    private static Map<String, Object> fields(final Object... keyValues)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2)
        {
            map.put((String)keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static void appendJson(final Object value, final StringBuilder out, final String indent)
    {
        if (value instanceof Map)
        {
            out.append("{");
            String separator = "\n";
            for (final Map.Entry<?, ?> entry : ((Map<?, ?>)value).entrySet())
            {
                out.append(separator).append(indent).append("  \"").append(entry.getKey()).append("\": ");
                appendJson(entry.getValue(), out, indent + "  ");
                separator = ",\n";
            }
            out.append("\n").append(indent).append("}");
        }
        else if (value instanceof List)
        {
            out.append("[");
            String separator = "\n";
            for (final Object item : (List<?>)value)
            {
                out.append(separator).append(indent).append("  ");
                appendJson(item, out, indent + "  ");
                separator = ",\n";
            }
            out.append("\n").append(indent).append("]");
        }
        else if (value instanceof String)
        {
            out.append('"').append(value).append('"');
        }
        else
        {
            out.append(value);
        }
    }
}
