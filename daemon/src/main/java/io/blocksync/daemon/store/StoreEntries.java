package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One pass over a {@link BanMap}, segment by segment: each segment is copied under its lock into holders that grow
 * to the largest segment, then handed out one entry at a time, so a store of any size is read in the memory of one
 * segment. {@link #next} returns one of those holders, refilled by a later call: copy what must outlive the call (the
 * holder itself, not a copy of it, so a pass of 100,000 entries copies each once). Not thread-safe.
 */
final class StoreEntries implements Iterator<Ban>
{
    private final BanMap map;
    private final BanMap.Snapshotter snapshot = new BanMap.Snapshotter();
    private final int segments;
    private int segment;
    private int count;
    private int position;

    StoreEntries(final BanMap map)
    {
        this.map = map;
        this.segments = map.segments();
    }

    @Override
    public boolean hasNext()
    {
        while (position == count && segment < segments)
        {
            count = map.snapshot(segment++, snapshot);
            position = 0;
        }
        return position < count;
    }

    @Override
    public Ban next()
    {
        if (!hasNext())
        {
            throw new NoSuchElementException();
        }
        return snapshot.entry(position++);
    }
}
