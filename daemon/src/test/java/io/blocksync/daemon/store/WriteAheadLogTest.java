package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write-ahead log's format: what is appended is replayed in order with every field, a torn or corrupted entry
 * ends the replay, the ring wraps behind checkpoints, a full log logs nothing more but counts the changes, and a
 * restart never takes a stale entry of an earlier run or lap for a new one.
 */
class WriteAheadLogTest
{
    private static final int CAPACITY = WriteAheadLog.MIN_CAPACITY;

    @TempDir
    Path dir;

    private Path file()
    {
        return dir.resolve(WriteAheadLog.FILE_NAME);
    }

    private WriteAheadLog fresh() throws IOException
    {
        final WriteAheadLog log = WriteAheadLog.open(file(), CAPACITY);
        log.restart();
        return log;
    }

    private static Ban ban(final int index)
    {
        final Ban ban = TestBans.entry(index).version(5_000_000L + index);
        final byte[] signature = ban.signature();
        Arrays.fill(signature, (byte)index);
        signature[63] = (byte)(index >> 8);
        return ban;
    }

    private static String put(final Ban ban)
    {
        return "put " + TestBans.fields(ban) + " sig " + Arrays.hashCode(ban.signature());
    }

    private static String remove(final IpPrefix key)
    {
        return "remove " + key;
    }

    private WalReplay replay(final List<String> into) throws IOException
    {
        try (WriteAheadLog log = WriteAheadLog.open(file(), CAPACITY))
        {
            assertEquals(null, log.created(), "the file was there");
            return log.replayInto(new WalReplay.Target()
            {
                public void put(final Ban ban)
                {
                    into.add(WriteAheadLogTest.put(ban));
                }

                public void remove(final IpPrefix key)
                {
                    into.add(WriteAheadLogTest.remove(key));
                }
            });
        }
    }

    @Test
    void everyChangeIsReplayedInOrderWithEveryField() throws IOException
    {
        final List<String> appended = new ArrayList<>();
        try (WriteAheadLog log = fresh())
        {
            for (int i = 0; i < 100; i++)
            {
                final Ban ban = ban(i);
                log.appendPut(ban);
                appended.add(put(ban));
                if (i % 10 == 9)
                {
                    log.appendRemove(TestBans.key(i - 5));
                    appended.add(remove(TestBans.key(i - 5)));
                }
            }
            assertEquals(100L * WalEntry.PUT_LENGTH + 10L * WalEntry.REMOVE_LENGTH, log.appendedPosition() - log.releasedPosition());
        }

        final List<String> replayed = new ArrayList<>();
        final WalReplay replay = replay(replayed);
        assertEquals(appended, replayed);
        assertEquals(100, replay.puts);
        assertEquals(10, replay.removes);
        assertEquals("end of the log", replay.end);
    }

    @Test
    void aTornEntryEndsTheReplay() throws IOException
    {
        final long start;
        try (WriteAheadLog log = fresh())
        {
            start = log.releasedPosition();
            for (int i = 0; i < 50; i++)
            {
                log.appendPut(ban(i));
            }
        }
        // One bit of entry 40's value flipped, as a sector that did not reach the disk.
        final long entry40 = WalHeader.LENGTH + ((start + 40L * WalEntry.PUT_LENGTH) & (CAPACITY - 1));
        flipByte(entry40 + WalEntry.VALUE_OFFSET + 100);

        final List<String> replayed = new ArrayList<>();
        final WalReplay replay = replay(replayed);
        assertEquals(40, replayed.size());
        assertEquals(put(ban(39)), replayed.get(39));
        assertEquals("checksum mismatch (a torn entry)", replay.end);
        assertEquals(start + 40L * WalEntry.PUT_LENGTH, replay.to);

        // A torn header (its position) ends it as well, one entry earlier.
        final long entry30 = WalHeader.LENGTH + ((start + 30L * WalEntry.PUT_LENGTH) & (CAPACITY - 1));
        flipByte(entry30 + WalEntry.POSITION_OFFSET);
        final List<String> again = new ArrayList<>();
        assertEquals("end of the log", replay(again).end);
        assertEquals(30, again.size());
    }

    @Test
    void theRingWrapsBehindCheckpointsAndReplaysOnlyWhatFollowsTheLast() throws IOException
    {
        final int perLap = CAPACITY / WalEntry.PUT_LENGTH;
        final int total = perLap * 5 + 17;
        final int checkpointAt = total - 200;
        try (WriteAheadLog log = fresh())
        {
            for (int i = 0; i < total; i++)
            {
                if (i % 100 == 0 && i < checkpointAt || i == checkpointAt)
                {
                    log.recordCheckpoint(log.appendedPosition(), log.unloggedChanges());
                    log.release(log.appendedPosition());
                }
                log.appendPut(ban(i));
            }
            assertEquals(0, log.unloggedChanges(), "checkpoints kept up: every change logged");
            assertTrue(log.appendedPosition() - log.releasedPosition() > total - checkpointAt, "padding at each wrap");
        }

        final List<String> replayed = new ArrayList<>();
        final WalReplay replay = replay(replayed);
        assertEquals(200, replayed.size(), replay.toString());
        for (int i = 0; i < 200; i++)
        {
            assertEquals(put(ban(checkpointAt + i)), replayed.get(i));
        }
    }

    @Test
    void aFullLogCountsWhatItCouldNotTakeUntilACheckpointFreesIt() throws IOException
    {
        final int halfFull = CAPACITY / 2 / WalEntry.PUT_LENGTH;
        final int[] wakes = { 0 };
        try (WriteAheadLog log = fresh())
        {
            log.onHalfFull(() -> wakes[0]++);
            int i = 0;
            while (0 == log.unloggedChanges())
            {
                log.appendPut(ban(i++));
            }
            assertEquals(CAPACITY / WalEntry.PUT_LENGTH + 1, i, "changes until the first that did not fit");
            assertEquals(1, wakes[0], "the checkpointer woken once, at half full (after " + halfFull + " entries)");
            assertTrue(log.hasUncheckpointedUnloggedChanges());
            log.appendPut(ban(i++));
            assertEquals(2, log.unloggedChanges());

            // A checkpoint taken now covers both: they are in the map it synced.
            final long position = log.appendedPosition();
            log.recordCheckpoint(position, log.unloggedChanges());
            log.release(position);
            assertFalse(log.hasUncheckpointedUnloggedChanges());
            log.appendPut(ban(i++));
            assertEquals(2, log.unloggedChanges(), "logged again once freed");
            final long paddingToTheEnd = CAPACITY - (position & (CAPACITY - 1));
            assertEquals(position + paddingToTheEnd + WalEntry.PUT_LENGTH, log.appendedPosition(), "padded to the ring's end");
        }
    }

    @Test
    void aRestartNeverReplaysAStaleEntryOfTheRunBefore() throws IOException
    {
        try (WriteAheadLog log = fresh())
        {
            for (int i = 0; i < 100; i++)
            {
                log.appendPut(ban(i));
            }
        }
        final List<String> first = new ArrayList<>();
        assertEquals(100, replay(first).entries());

        // The map took them (recovery); the log starts again, over the same bytes.
        try (WriteAheadLog log = WriteAheadLog.open(file(), CAPACITY))
        {
            log.restart();
            for (int i = 1000; i < 1010; i++)
            {
                log.appendPut(ban(i));
            }
        }
        final List<String> second = new ArrayList<>();
        final WalReplay replay = replay(second);
        assertEquals(10, second.size(), "only the new run's entries, not entry 10 of the old one behind them: " + replay);
        assertEquals(put(ban(1009)), second.get(9));
    }

    @Test
    void aTornCheckpointSlotLeavesTheCheckpointBeforeIt() throws IOException
    {
        final long before;
        try (WriteAheadLog log = fresh())
        {
            for (int i = 0; i < 10; i++)
            {
                log.appendPut(ban(i));
            }
            before = log.releasedPosition();
            log.recordCheckpoint(log.appendedPosition(), 0);
        }
        final List<String> replayed = new ArrayList<>();
        assertEquals(0, replay(replayed).entries(), "after the newest checkpoint, nothing");

        // The newest slot (the second one written since restart's) torn: the one before it is in force again.
        flipByte(0 * 512 + 20);
        final List<String> again = new ArrayList<>();
        final WalReplay replay = replay(again);
        assertEquals(before, replay.from);
        assertEquals(10, again.size());
    }

    private void flipByte(final long offset) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw"))
        {
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x10);
        }
    }
}
