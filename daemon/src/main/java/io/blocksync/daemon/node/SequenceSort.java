package io.blocksync.daemon.node;

/**
 * Sorts origin sequences with the slots they belong to, in place and without boxing: a heap sort over two parallel
 * arrays, O(n log n) whatever the input, so a hostile store cannot make the start slower than that.
 */
final class SequenceSort
{
    private SequenceSort()
    {
    }

    /** Sort {@code keys[0, count)} ascending, moving {@code values} with them. */
    static void sort(final long[] keys, final int[] values, final int count)
    {
        for (int root = count / 2 - 1; root >= 0; root--)
        {
            siftDown(keys, values, root, count);
        }
        for (int end = count - 1; end > 0; end--)
        {
            swap(keys, values, 0, end);
            siftDown(keys, values, 0, end);
        }
    }

    private static void siftDown(final long[] keys, final int[] values, final int start, final int count)
    {
        int root = start;
        while (true)
        {
            int child = 2 * root + 1;
            if (child >= count)
            {
                return;
            }
            if (child + 1 < count && keys[child + 1] > keys[child])
            {
                child++;
            }
            if (keys[root] >= keys[child])
            {
                return;
            }
            swap(keys, values, root, child);
            root = child;
        }
    }

    private static void swap(final long[] keys, final int[] values, final int a, final int b)
    {
        final long key = keys[a];
        keys[a] = keys[b];
        keys[b] = key;
        final int value = values[a];
        values[a] = values[b];
        values[b] = value;
    }
}
