package io.blocksync.firewall;

/**
 * Where an {@link NftSetModel} writes the element changes of one batch: an nft script ({@link NftScriptSink}, for
 * libnftables or the {@code nft} process) or a raw nf_tables netlink batch ({@link NftNetlinkSink}). Both write the
 * same changes with the same meaning, so neither can fail on the kernel's state of an element. The lists are the
 * model's, reused: read them during the call, keep nothing of them.
 */
interface NftElementSink
{
    /**
     * Empty the set ({@code flush set}).
     */
    void flush(NftSetModel set);

    /**
     * Take the elements out of the set whether or not the kernel still holds them: each is added with a 1 s timeout,
     * then deleted (nft 1.0.6 has no {@code destroy element}; a delete of an absent element fails). Their deadlines
     * mean nothing here.
     */
    void remove(NftSetModel set, NftElementList elements);

    /**
     * Add the elements ({@code add element}: an existing one is no error) with the time they have left.
     *
     * @param nowMs the model's clock (milliseconds), against {@link NftElementList#deadlineMs}.
     */
    void add(NftSetModel set, NftElementList elements, long nowMs);
}
