package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

import java.util.List;

/**
 * Where an {@link NftSetModel} writes the element changes of one batch: an nft script ({@link NftScriptSink}, for
 * libnftables or the {@code nft} process) or a raw nf_tables netlink batch ({@link NftNetlinkSink}). Both write the
 * same changes with the same meaning, so neither can fail on the kernel's state of an element.
 */
interface NftElementSink
{
    /**
     * Empty the set ({@code flush set}).
     */
    void flush(NftSetModel set);

    /**
     * Take the elements out of the set whether or not the kernel still holds them: each is added with a 1 s timeout,
     * then deleted (nft 1.0.6 has no {@code destroy element}; a delete of an absent element fails).
     */
    void remove(NftSetModel set, List<IpPrefix> prefixes);

    /**
     * Add the elements ({@code add element}: an existing one is no error) with the time they have left.
     *
     * @param nowMs the model's clock (milliseconds), against {@link NftElement#deadlineMs}.
     */
    void add(NftSetModel set, List<NftElement> elements, long nowMs);
}
