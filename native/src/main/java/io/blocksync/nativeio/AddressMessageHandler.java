package io.blocksync.nativeio;

import io.blocksync.codec.IpPrefix;

/**
 * What {@link AddressMessageDecoder} finds in rtnetlink datagrams, on the decoding thread. The instances passed are
 * the decoder's own, valid during the call only.
 */
public interface AddressMessageHandler
{
    /**
     * An {@code RTM_NEWADDR} (from a dump or a notification; the kernel also sends one when only an address's
     * lifetimes or flags change) or an {@code RTM_DELADDR}.
     *
     * @param added          true for RTM_NEWADDR, false for RTM_DELADDR.
     * @param interfaceIndex the interface's index ({@code ifa_index}, as {@code if_nametoindex(3)}).
     * @param address        the interface's own address as a host prefix (/32 or /128): {@code IFA_LOCAL} where
     *                       present (on a point-to-point link {@code IFA_ADDRESS} is the peer's), else
     *                       {@code IFA_ADDRESS}; IPv4-mapped addresses arrive as IPv4.
     * @param prefixLength   the length of the address's on-link prefix ({@code ifa_prefixlen}), 0 to 128.
     * @param sequence       the message's {@code nlmsg_seq}: a dump's answer carries the request's; a notification
     *                       that of the request which caused the change (e.g. {@code ip addr add}'s), or 0.
     */
    void onAddress(boolean added, int interfaceIndex, IpPrefix address, int prefixLength, int sequence);

    /**
     * The end of a dump ({@code NLMSG_DONE}) or its failure ({@code NLMSG_ERROR}).
     *
     * @param sequence the dump's sequence.
     * @param error    0 when complete, else the positive errno the kernel gave (e.g. EBUSY: the dump was interrupted
     *                 and must be asked for again).
     */
    void onDumpEnd(int sequence, int error);
}
