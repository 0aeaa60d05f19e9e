package io.blocksync.nativeio;

/**
 * What an {@link NflogSource} reads and how: a name, the group number and the socket options, with defaults for
 * all but the group. Set once, then handed to the constructor, which copies what it needs.
 */
public final class NflogSourceSettings
{
    private String name = "nflog";
    private int group = -1;
    private int copyRange = NflogSocket.DEFAULT_COPY_RANGE;
    private String networkNamespace;
    private boolean bindFamilies;
    private Backoff backoff;

    /**
     * @param name for logs and status; default {@code nflog}.
     * @return this for chaining.
     */
    public NflogSourceSettings name(final String name)
    {
        this.name = name;
        return this;
    }

    public String name()
    {
        return name;
    }

    /**
     * @param group NFLOG group 0 to 65535; required.
     * @return this for chaining.
     */
    public NflogSourceSettings group(final int group)
    {
        this.group = group;
        return this;
    }

    public int group()
    {
        return group;
    }

    /**
     * @param copyRange packet bytes the kernel copies, 1 to 65535; default
     *                  {@link NflogSocket#DEFAULT_COPY_RANGE}.
     * @return this for chaining.
     */
    public NflogSourceSettings copyRange(final int copyRange)
    {
        this.copyRange = copyRange;
        return this;
    }

    public int copyRange()
    {
        return copyRange;
    }

    /**
     * @param networkNamespace a namespace file such as {@code /run/netns/NAME}, or null (the default) for this
     *                         process's.
     * @return this for chaining.
     */
    public NflogSourceSettings networkNamespace(final String networkNamespace)
    {
        this.networkNamespace = networkNamespace;
        return this;
    }

    public String networkNamespace()
    {
        return networkNamespace;
    }

    /**
     * @param bindFamilies bind AF_INET and AF_INET6 to nfnetlink_log first, for old kernels; see
     *                     {@link NflogSocket#open(int, int, int, String, boolean)}. Default false.
     * @return this for chaining.
     */
    public NflogSourceSettings bindFamilies(final boolean bindFamilies)
    {
        this.bindFamilies = bindFamilies;
        return this;
    }

    public boolean bindFamilies()
    {
        return bindFamilies;
    }

    /**
     * @param backoff delays between attempts to bind; default 1 s doubling to 60 s. Owned by the source.
     * @return this for chaining.
     */
    public NflogSourceSettings backoff(final Backoff backoff)
    {
        this.backoff = backoff;
        return this;
    }

    /**
     * @return the backoff set, or null for the default.
     */
    public Backoff backoff()
    {
        return backoff;
    }
}
