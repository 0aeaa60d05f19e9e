package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the decoded-field maps used in codec/src/test/resources/vectors.json and datagram bytes, through
 * the production flyweights, keys and signers. The three vector nodes have fixed seeds ({@link #seed}), so every
 * public key, link key, record signature (Ed25519 is deterministic) and tag is reproducible.
 * {@link #main(String[])} regenerates the vectors file and the vectors section of docs/PROTOCOL.md after an intended
 * format change.
 */
public final class ProtocolVectors
{
    /** The vector nodes: node id n holds key id n. */
    static final int[] NODE_IDS = { 1, 2, 3 };

    private ProtocolVectors()
    {
    }

    /** Node {@code nodeId}'s 32-byte seed: bytes {@code 32 (n - 1)}, {@code 32 (n - 1) + 1}, ..., ascending. */
    static byte[] seed(final int nodeId)
    {
        final byte[] seed = new byte[NodeKey.SEED_LENGTH];
        for (int i = 0; i < seed.length; i++)
        {
            seed[i] = (byte)(32 * (nodeId - 1) + i);
        }
        return seed;
    }

    static NodeKey nodeKey(final int nodeId)
    {
        return NodeKey.fromSeed(nodeId, seed(nodeId));
    }

    /** Encode a frame from its fields: records signed by their origin's vector key, stamped, sealed for the receiver. */
    static byte[] encode(final Map<String, Object> fields)
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
                    .selectiveBitmap(num(fields, "selective_bitmap"))
                    .receiveWindow((int)num(fields, "receive_window"));
                unsealedLength = AckFrameFlyweight.UNSEALED_LENGTH;
                break;
            case "HEARTBEAT":
            {
                final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight().begin(buffer, 0,
                    num(fields, "stream_next_sequence"), num(fields, "stream_oldest_retained"), num(fields, "sender_time_millis"),
                    num(fields, "sender_hlc"));
                heartbeat.page(num(fields, "digest"), (int)num(fields, "page_after"), (int)num(fields, "page_through"));
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
            case "SNAPSHOT_REQUEST":
                new SnapshotRequestFlyweight().begin(buffer, 0, (int)num(fields, "origin_node_id"), (int)num(fields, "session_id"),
                    num(fields, "after")).acknowledge((int)num(fields, "next_chunk"), num(fields, "selective_bitmap"),
                    (int)num(fields, "receive_window"), (int)num(fields, "flags"));
                unsealedLength = SnapshotRequestFlyweight.UNSEALED_LENGTH;
                break;
            case "SNAPSHOT_CHUNK":
            {
                final Lz4Block lz4 = new Lz4Block();
                final List<?> records = list(fields, "records");
                for (int i = 0; i < records.size(); i++)
                {
                    @SuppressWarnings("unchecked") final Map<String, Object> record = (Map<String, Object>)records.get(i);
                    final BanRecordFlyweight raw = new BanRecordFlyweight().wrap(lz4.raw(), i * BanRecordFlyweight.LENGTH);
                    lz4.raw().setMemory(i * BanRecordFlyweight.LENGTH, BanRecordFlyweight.LENGTH, (byte)0);
                    raw.action(action(record));
                    fillRecord(raw, record);
                }
                final SnapshotChunkFlyweight chunk = new SnapshotChunkFlyweight().begin(buffer, 0,
                    (int)num(fields, "origin_node_id"), (int)num(fields, "session_id"))
                    .range((int)num(fields, "chunk_index"), num(fields, "covers_through"), num(fields, "after"), num(fields, "through"));
                if (!chunk.encode(lz4, records.size()))
                {
                    throw new IllegalArgumentException("records do not fit one chunk");
                }
                unsealedLength = chunk.unsealedLength();
                break;
            }
            default:
                throw new IllegalArgumentException("unknown type " + type);
        }

        final int senderId = (int)num(fields, "sender_id");
        final int receiverId = (int)num(fields, "receiver_id");
        final NodeKey sender = vectorKey(senderId, (int)num(fields, "sender_key_id"));
        final NodeKey receiver = vectorKey(receiverId, (int)num(fields, "receiver_key_id"));
        final FrameSigner signer = new FrameSigner(senderId, sender.keyId(), 1);
        final int length = signer.stamp(buffer, 0, unsealedLength, num(fields, "sequence"));
        new PeerLink(senderId, new NodeKey[]{ sender }, receiverId, new PeerKey[]{ receiver.peerKey() }, new ReplayWindow())
            .seal(buffer, 0, length);
        final byte[] datagram = new byte[length];
        buffer.getBytes(0, datagram);
        return datagram;
    }

    private static NodeKey vectorKey(final int nodeId, final int keyId)
    {
        if (nodeId != keyId)
        {
            throw new IllegalArgumentException("vector node " + nodeId + " holds key id " + nodeId + " only, not " + keyId);
        }
        return nodeKey(nodeId);
    }

    private static int action(final Map<String, Object> record)
    {
        return "BAN".equals(record.get("action")) ? BanRecordFlyweight.ACTION_BAN : BanRecordFlyweight.ACTION_UNBAN;
    }

    private static void fillRecord(final BanRecordFlyweight flyweight, final Map<String, Object> record)
    {
        final int origin = (int)num(record, "origin_node_id");
        flyweight
            .prefix(TestFrames.prefix((String)record.get("prefix")))
            .protocol((int)num(record, "protocol"))
            .port((int)num(record, "port"))
            .originNodeId(origin)
            .durationSeconds(num(record, "duration_seconds"))
            .originSequence(num(record, "origin_sequence"))
            .originTimeMillis(num(record, "origin_time_millis"))
            .version(num(record, "version"))
            .reason(ReasonCode.of((String)record.get("reason")))
            .sign(vectorKey(origin, (int)num(record, "origin_key_id")));
    }

    private static List<Object> decodeRecords(final int count, final java.util.function.IntFunction<BanRecordFlyweight> records)
    {
        final List<Object> list = new ArrayList<>();
        final byte[] signature = new byte[NodeKey.SIGNATURE_LENGTH];
        for (int i = 0; i < count; i++)
        {
            final BanRecordFlyweight record = records.apply(i);
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("action", record.action() == BanRecordFlyweight.ACTION_BAN ? "BAN" : "UNBAN");
            r.put("prefix", prefixWithLength(record.getPrefix(new IpPrefix())));
            r.put("protocol", (long)record.protocol());
            r.put("port", (long)record.port());
            r.put("origin_key_id", (long)record.originKeyId());
            r.put("origin_node_id", (long)record.originNodeId());
            r.put("duration_seconds", record.durationSeconds());
            r.put("origin_sequence", record.originSequence());
            r.put("origin_time_millis", record.originTimeMillis());
            r.put("version", record.version());
            r.put("reason", record.appendReason(new StringBuilder()).toString());
            record.getSignature(signature);
            r.put("signature", hex(signature, 0, signature.length));
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
        fields.put("sender_key_id", (long)header.senderKeyId());
        fields.put("receiver_key_id", (long)header.receiverKeyId());
        fields.put("frame_length", (long)header.frameLength());
        fields.put("count", (long)header.count());
        fields.put("sequence", header.sequence());
        fields.put("sender_id", (long)header.senderId());
        fields.put("receiver_id", (long)header.receiverId());
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
                fields.put("receive_window", (long)ack.receiveWindow());
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
                fields.put("sender_hlc", heartbeat.senderHlc());
                fields.put("digest", heartbeat.digest());
                fields.put("page_after", heartbeat.pageAfter() & 0xFFFF_FFFFL);
                fields.put("page_through", heartbeat.pageThrough() & 0xFFFF_FFFFL);
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
            case FrameType.SNAPSHOT_REQUEST:
            {
                final SnapshotRequestFlyweight request = new SnapshotRequestFlyweight().wrap(buffer, 0);
                fields.put("origin_node_id", (long)request.originNodeId());
                fields.put("session_id", request.sessionId() & 0xFFFF_FFFFL);
                fields.put("after", request.after());
                fields.put("next_chunk", request.nextChunk() & 0xFFFF_FFFFL);
                fields.put("receive_window", (long)request.receiveWindow());
                fields.put("flags", (long)request.flags());
                fields.put("selective_bitmap", request.selectiveBitmap());
                break;
            }
            case FrameType.SNAPSHOT_CHUNK:
            {
                final SnapshotChunkFlyweight chunk = new SnapshotChunkFlyweight().wrap(buffer, 0);
                fields.put("origin_node_id", (long)chunk.originNodeId());
                fields.put("session_id", chunk.sessionId() & 0xFFFF_FFFFL);
                fields.put("chunk_index", chunk.chunkIndex() & 0xFFFF_FFFFL);
                fields.put("block_length", (long)chunk.blockLength());
                fields.put("covers_through", chunk.coversThrough());
                fields.put("after", chunk.after());
                fields.put("through", chunk.through());
                final Lz4Block lz4 = new Lz4Block();
                final int count = chunk.decode(lz4);
                final BanRecordFlyweight raw = new BanRecordFlyweight();
                fields.put("records", decodeRecords(count, i -> raw.wrap(lz4.raw(), i * BanRecordFlyweight.LENGTH)));
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

    /** The input fields of every vector, by name. */
    static Map<String, Map<String, Object>> inputs()
    {
        final Map<String, Map<String, Object>> vectors = new LinkedHashMap<>();
        vectors.put("batch-one-ipv4-ban", fields(
            "type", "BATCH", "sender_key_id", 1L, "receiver_key_id", 2L, "sequence", 1_764_000_000_000_001L,
            "sender_id", 1L, "receiver_id", 2L, "stream_sequence", 1L,
            "records", List.of(fields("action", "BAN", "prefix", "192.0.2.1/32", "protocol", 6L, "port", 22L,
                "origin_key_id", 1L, "origin_node_id", 1L, "duration_seconds", 3600L, "origin_sequence", 1L,
                "origin_time_millis", 1_764_000_000_000L, "version", 1_764_000_000_000L << 16, "reason", "ssh"))));
        vectors.put("batch-ipv6-ban-and-ipv4-unban", fields(
            "type", "BATCH", "sender_key_id", 1L, "receiver_key_id", 2L, "sequence", 1_764_000_000_000_002L,
            "sender_id", 1L, "receiver_id", 2L, "stream_sequence", 2L,
            "records", List.of(
                fields("action", "BAN", "prefix", "2001:db8:bad:1::/64", "protocol", 0L, "port", 0L,
                    "origin_key_id", 1L, "origin_node_id", 1L, "duration_seconds", 86_400L, "origin_sequence", 2L,
                    "origin_time_millis", 1_764_000_123_456L, "version", 1_764_000_123_456L << 16, "reason", "crowdsecurity/http-bad-user-agent"),
                fields("action", "UNBAN", "prefix", "198.51.100.0/24", "protocol", 0L, "port", 0L,
                    "origin_key_id", 1L, "origin_node_id", 1L, "duration_seconds", 0L, "origin_sequence", 3L,
                    "origin_time_millis", 1_764_000_200_000L, "version", (1_764_000_200_000L << 16) | 1, "reason", "nginx-http-auth"))));
        vectors.put("ack", fields(
            "type", "ACK", "sender_key_id", 2L, "receiver_key_id", 1L, "sequence", 5_000L, "sender_id", 2L, "receiver_id", 1L,
            "stream_sender_id", 1L, "receive_window", 256L, "cumulative", 1L, "selective_bitmap", 2L));
        vectors.put("heartbeat-first-page", fields(
            "type", "HEARTBEAT", "sender_key_id", 2L, "receiver_key_id", 1L, "sequence", 5_001L, "sender_id", 2L, "receiver_id", 1L,
            "stream_next_sequence", 8L, "stream_oldest_retained", 6L, "sender_time_millis", 1_764_000_300_000L,
            "sender_hlc", (1_764_000_300_000L << 16) | 2, "digest", heartbeatDigest(), "page_after", 0L, "page_through", 2L,
            "entries", List.of(fields("origin_node_id", 1L, "high_water", 3L), fields("origin_node_id", 2L, "high_water", 8L))));
        vectors.put("sync-relayed-for-origin-3", fields(
            "type", "SYNC", "sender_key_id", 2L, "receiver_key_id", 1L, "sequence", 5_002L, "sender_id", 2L, "receiver_id", 1L,
            "origin_node_id", 3L, "after", 15L, "through", 17L,
            "records", List.of(fields("action", "BAN", "prefix", "2001:db8:bad:1::/64", "protocol", 0L, "port", 0L,
                "origin_key_id", 3L, "origin_node_id", 3L, "duration_seconds", 86_400L, "origin_sequence", 17L,
                "origin_time_millis", 1_764_000_123_456L, "version", (1_764_000_123_500L << 16) | 3, "reason", "crowdsecurity/http-bad-user-agent"))));
        vectors.put("snapshot-request", fields(
            "type", "SNAPSHOT_REQUEST", "sender_key_id", 2L, "receiver_key_id", 1L, "sequence", 5_003L, "sender_id", 2L, "receiver_id", 1L,
            "origin_node_id", 1L, "session_id", 0x5eed0001L, "after", 0L, "next_chunk", 2L, "receive_window", 64L, "flags", 0L,
            "selective_bitmap", 1L));
        final List<Object> snapshotRecords = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            snapshotRecords.add(fields("action", "BAN", "prefix", "192.0.2." + (10 + i) + "/32", "protocol", 6L, "port", 22L,
                "origin_key_id", 1L, "origin_node_id", 1L, "duration_seconds", 3600L, "origin_sequence", 5L + i,
                "origin_time_millis", 1_764_000_400_000L + i, "version", (1_764_000_400_000L + i) << 16, "reason", "sshd"));
        }
        vectors.put("snapshot-chunk", fields(
            "type", "SNAPSHOT_CHUNK", "sender_key_id", 1L, "receiver_key_id", 2L, "sequence", 1_764_000_000_000_003L,
            "sender_id", 1L, "receiver_id", 2L, "origin_node_id", 1L, "session_id", 0x5eed0001L, "chunk_index", 2L,
            "covers_through", 12L, "after", 4L, "through", 8L, "records", snapshotRecords));
        return vectors;
    }

    /**
     * The high-water list node 2 keeps in vector {@code heartbeat-first-page}, by origin: {1: 3, 2: 8, 3: 17}. The page
     * carries origins 1 and 2; the digest covers all three.
     */
    static final long[][] HEARTBEAT_LIST = { { 1, 3 }, { 2, 8 }, { 3, 17 } };

    /** The digest of {@link #HEARTBEAT_LIST}: the sum of its origins' digest terms, mod 2^64. */
    static long heartbeatDigest()
    {
        long digest = 0;
        for (final long[] entry : HEARTBEAT_LIST)
        {
            digest += HeartbeatFrameFlyweight.digestTerm((int)entry[0], entry[1]);
        }
        return digest;
    }

    /** The link key of the vector's direction, as the sender derives it. */
    static byte[] linkKey(final Map<String, Object> fields)
    {
        final int senderId = (int)num(fields, "sender_id");
        final int receiverId = (int)num(fields, "receiver_id");
        return LinkKeys.sending(senderId, nodeKey(senderId), receiverId, nodeKey(receiverId).peerKey());
    }

    /** The 32-byte X25519 shared secret of the vector's two nodes. */
    static byte[] sharedSecret(final Map<String, Object> fields)
    {
        return nodeKey((int)num(fields, "sender_id")).agree(nodeKey((int)num(fields, "receiver_id")).peerKey());
    }

    /**
     * Writes vectors.json, and the vectors section of docs/PROTOCOL.md (from "## Test vectors" to the end), when run
     * from the codec module directory; run after an intended wire format change.
     */
    public static void main(final String[] args) throws IOException
    {
        final StringBuilder json = new StringBuilder("{\n  \"nodes\": [\n");
        final StringBuilder doc = new StringBuilder();
        for (int n = 0; n < NODE_IDS.length; n++)
        {
            final int id = NODE_IDS[n];
            final NodeKey key = nodeKey(id);
            final byte[] publicKey = key.publicKey();
            final Map<String, Object> node = fields(
                "node_id", (long)id, "key_id", (long)key.keyId(), "seed", hex(seed(id), 0, NodeKey.SEED_LENGTH),
                "x25519_private", hex(x25519Private(key), 0, 32),
                "public_key", hex(publicKey, 0, publicKey.length));
            json.append("    ");
            appendJson(node, json, "    ");
            json.append(n + 1 < NODE_IDS.length ? ",\n" : "\n");
        }
        json.append("  ],\n  \"vectors\": [\n");

        final Map<String, Map<String, Object>> inputs = inputs();
        int v = 0;
        for (final Map.Entry<String, Map<String, Object>> entry : inputs.entrySet())
        {
            final String name = entry.getKey();
            final byte[] datagram = encode(entry.getValue());
            final byte[] linkKey = linkKey(entry.getValue());
            final byte[] shared = sharedSecret(entry.getValue());
            final int end = datagram.length - FrameHeaderFlyweight.TAG_LENGTH;
            json.append("    {\n      \"name\": \"").append(name).append("\",\n")
                .append("      \"shared_secret\": \"").append(hex(shared, 0, shared.length)).append("\",\n")
                .append("      \"link_key\": \"").append(hex(linkKey, 0, linkKey.length)).append("\",\n")
                .append("      \"datagram\": \"").append(hex(datagram, 0, datagram.length)).append("\",\n")
                .append("      \"authenticated\": [0, ").append(end).append("],\n")
                .append("      \"tag\": \"").append(hex(datagram, end, datagram.length)).append("\",\n")
                .append("      \"fields\": ");
            appendJson(decode(datagram), json, "      ");
            json.append("\n    }").append(++v < inputs.size() ? ",\n" : "\n");
            appendDoc(name, datagram, shared, linkKey, doc);
        }
        json.append("  ]\n}\n");

        Files.writeString(Path.of("src/test/resources/vectors.json"), json, StandardCharsets.UTF_8);
        final Path protocol = Path.of("../docs/PROTOCOL.md");
        final String text = Files.readString(protocol, StandardCharsets.UTF_8);
        final String marker = "\n## Test vectors\n";
        final int at = text.indexOf(marker);
        if (at < 0)
        {
            throw new IllegalStateException("no '## Test vectors' section in " + protocol);
        }
        Files.writeString(protocol, text.substring(0, at) + marker + vectorsIntro() + doc, StandardCharsets.UTF_8);
    }

    private static String vectorsIntro()
    {
        final StringBuilder out = new StringBuilder("\n")
            .append("Hex throughout. Three nodes with fixed seeds: node n holds key id n and its seed is the 32 bytes\n")
            .append("`32(n-1)`, `32(n-1)+1`, ... ascending. Each node's public key is `ed25519_public || x25519_public`; its\n")
            .append("X25519 private key is HKDF-SHA256 of its seed (see \"Tag (16 bytes) and link keys\").\n\n")
            .append("| node | key id | seed | X25519 private |\n|---:|---:|---|---|\n");
        for (final int id : NODE_IDS)
        {
            final NodeKey key = nodeKey(id);
            out.append("| ").append(id).append(" | ").append(key.keyId()).append(" | `").append(hex(seed(id), 0, 32))
                .append("` | `").append(hex(x25519Private(key), 0, 32)).append("` |\n");
        }
        out.append("\nPublic keys (64 bytes each):\n\n```\n");
        for (final int id : NODE_IDS)
        {
            final byte[] publicKey = nodeKey(id).publicKey();
            out.append("node ").append(id).append(" ed25519 ").append(hex(publicKey, 0, 32)).append('\n')
                .append("       x25519  ").append(hex(publicKey, 32, 64)).append('\n');
        }
        return out.append("```\n\nFor each datagram: the X25519 shared secret of its two nodes, the link key of its direction, every\n")
            .append("record's origin signature, the datagram, and its tag (the first 16 bytes of HMAC-SHA256(link key,\n")
            .append("datagram[0 : frame_length - 16]), also the datagram's last 16 bytes). The same vectors, with every decoded\n")
            .append("field, are in `codec/src/test/resources/vectors.json`.\n")
            .toString();
    }

    private static void appendDoc(final String name, final byte[] datagram, final byte[] shared, final byte[] linkKey, final StringBuilder doc)
    {
        final Map<String, Object> fields = decode(datagram);
        final int end = datagram.length - FrameHeaderFlyweight.TAG_LENGTH;
        doc.append("\n### ").append(name).append("\n\n")
            .append("From node ").append(fields.get("sender_id")).append(" (key id ").append(fields.get("sender_key_id"))
            .append(") to node ").append(fields.get("receiver_id")).append(" (key id ").append(fields.get("receiver_key_id"))
            .append("), ").append(fields.get("type")).append(", ").append(datagram.length).append(" bytes.\n\n")
            .append("Fields:\n\n```json\n");
        appendJson(fields, doc, "");
        doc.append("\n```\n\nShared secret and link key (node ").append(fields.get("sender_id")).append(" to node ")
            .append(fields.get("receiver_id")).append("):\n\n```\n")
            .append(hex(shared, 0, shared.length)).append('\n')
            .append(hex(linkKey, 0, linkKey.length)).append("\n```\n\n")
            .append("Datagram (").append(datagram.length).append(" bytes; authenticated range [0, ").append(end).append(")):\n\n```\n");
        for (int i = 0; i < datagram.length; i += 32)
        {
            doc.append(hex(datagram, i, Math.min(i + 32, datagram.length))).append('\n');
        }
        doc.append("```\n\nTag:\n\n```\n").append(hex(datagram, end, datagram.length)).append("\n```\n");
    }

    private static byte[] x25519Private(final NodeKey key)
    {
        final org.bouncycastle.crypto.generators.HKDFBytesGenerator hkdf =
            new org.bouncycastle.crypto.generators.HKDFBytesGenerator(new org.bouncycastle.crypto.digests.SHA256Digest());
        hkdf.init(new org.bouncycastle.crypto.params.HKDFParameters(seed(key.keyId()), new byte[0], NodeKey.X25519_INFO));
        final byte[] out = new byte[32];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    static Map<String, Object> fields(final Object... keyValues)
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
