package io.blocksync.codec;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.nio.charset.StandardCharsets;

/**
 * The HMAC key of one direction of one link, as in WireGuard: only the two nodes of the link can compute it, so a
 * datagram's tag proves which configured node sent it. For sender S (key id s) and receiver R (key id r):
 * <pre>
 *   shared = X25519(S.x25519_private, R.x25519_public)            (RFC 7748; = X25519(R private, S public))
 *   key    = HKDF-SHA256(ikm  = shared,                            (RFC 5869)
 *                        salt = "blocksync/2 link",
 *                        info = u32le S.node_id || u8 s || u32le R.node_id || u8 r
 *                               || S.x25519_public || R.x25519_public,
 *                        L    = 32)
 * </pre>
 * The two directions of a link have different keys, so a datagram reflected back at its sender never verifies.
 */
public final class LinkKeys
{
    public static final int KEY_LENGTH = 32;
    static final byte[] SALT = "blocksync/2 link".getBytes(StandardCharsets.US_ASCII);

    private LinkKeys()
    {
    }

    /** Key for datagrams this node sends to the peer. */
    public static byte[] sending(final int nodeId, final NodeKey self, final int peerId, final PeerKey peer)
    {
        return derive(self.agree(peer), info(nodeId, self.keyId(), self.x25519Public(), peerId, peer.keyId(), peer.x25519()));
    }

    /** Key for datagrams the peer sends to this node. */
    public static byte[] receiving(final int nodeId, final NodeKey self, final int peerId, final PeerKey peer)
    {
        return derive(self.agree(peer), info(peerId, peer.keyId(), peer.x25519(), nodeId, self.keyId(), self.x25519Public()));
    }

    private static byte[] info(
        final int senderId,
        final int senderKeyId,
        final byte[] senderX25519,
        final int receiverId,
        final int receiverKeyId,
        final byte[] receiverX25519)
    {
        final byte[] info = new byte[10 + 2 * senderX25519.length];
        putIntLittleEndian(info, 0, senderId);
        info[4] = (byte)senderKeyId;
        putIntLittleEndian(info, 5, receiverId);
        info[9] = (byte)receiverKeyId;
        System.arraycopy(senderX25519, 0, info, 10, senderX25519.length);
        System.arraycopy(receiverX25519, 0, info, 10 + senderX25519.length, receiverX25519.length);
        return info;
    }

    private static byte[] derive(final byte[] shared, final byte[] info)
    {

        final HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(shared, SALT, info));
        final byte[] key = new byte[KEY_LENGTH];
        hkdf.generateBytes(key, 0, KEY_LENGTH);
        return key;
    }

    private static void putIntLittleEndian(final byte[] into, final int at, final int value)
    {
        into[at] = (byte)value;
        into[at + 1] = (byte)(value >>> 8);
        into[at + 2] = (byte)(value >>> 16);
        into[at + 3] = (byte)(value >>> 24);
    }
}
