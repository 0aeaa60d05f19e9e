package io.blocksync.daemon.table;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.codec.AddressText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemoteRoomTest
{
    @TempDir
    Path dir;

    @Test
    void admitsExactlyUpToTheLimitAndSeesRoomARemovalFreed() throws Exception
    {
        try (BanStore store = BanStore.openForDaemon(dir.resolve("state"), 100))
        {
            final RemoteRoom room = new RemoteRoom(store);
            for (int i = 0; i < 5; i++)
            {
                assertTrue(room.admits(1, 5), "entry " + i + " of 5 fits; store holds " + store.size());
                store.put(ban(i));
                room.onInserted();
            }
            assertFalse(room.admits(1, 5), "store holds " + store.size() + " of 5");
            assertTrue(room.admits(0, 5));
            assertFalse(room.admits(2, 6), "one more would fit under 6, not two");
            assertTrue(room.admits(1, 6), "a new limit is checked against the store at once");

            store.remove(ban(0).prefix());
            assertTrue(room.admits(1, 5), "a removal frees a slot: seen at the next read of the store");
            store.put(ban(0));
            room.onInserted();
            assertFalse(room.admits(1, 5));
        }
    }

    private static Ban ban(final int i)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse("198.51.100." + i, prefix, 32, 64);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return new Ban().prefix(prefix).action(BanAction.BAN).originNodeId(2)
            .originSequence(i + 1).durationSeconds(3600).version(1);
    }
}
