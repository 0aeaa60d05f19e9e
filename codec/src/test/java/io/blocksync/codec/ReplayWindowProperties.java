package io.blocksync.codec;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anti-replay window against a plain model: a sequence is taken when it is positive, not taken before and less
 * than {@link ReplayWindow#WINDOW_SIZE} behind the highest taken so far; so within the window every sequence is taken
 * exactly once, in whatever order and however often it arrives. Seeded with {@link #SEED}; to explore other samples
 * see {@link PropertyRuns}.
 */
class ReplayWindowProperties
{
    private static final long SEED = 20250914L;
    private static final int EXAMPLES = 300;
    private static final int MAX_OFFSETS = 300;

    @Test
    void withinTheWindowEverySequenceIsTakenExactlyOnceInAnyOrder()
    {
        final Gen<List<Integer>> offsets =
            CodecGens.listsOf(CodecGens.edgyInts(0, ReplayWindow.WINDOW_SIZE - 1), 1, MAX_OFFSETS);
        PropertyRuns.qt(SEED, EXAMPLES).forAll(bases(), offsets, copies(), shuffleSeeds())
            .checkAssert((base, offsetList, copies, shuffleSeed) ->
            {
                final List<Long> arrivals = arrivals(base, offsetList, copies, shuffleSeed);
                final Set<Long> distinct = new HashSet<>(arrivals);
                final ReplayWindow window = new ReplayWindow();

                int taken = 0;
                final Set<Long> seen = new HashSet<>();
                for (final long sequence : arrivals)
                {
                    final int result = window.check(sequence);
                    assertEquals(seen.add(sequence) ? RejectReason.NONE : RejectReason.REPLAY, result,
                        () -> "sequence " + sequence);
                    if (result == RejectReason.NONE)
                    {
                        window.accept(sequence);
                        taken++;
                    }
                }
                assertEquals(distinct.size(), taken);
            });
    }

    /**
     * Arrivals spread over up to two windows: the model decides each one, including TOO_OLD. Counted afterwards:
     * each of the three results is more than 5% of all arrivals checked.
     */
    @Test
    void acrossWindowsTheWindowAgreesWithTheModel()
    {
        final int[] results = new int[3];
        final Gen<List<Integer>> offsets =
            CodecGens.listsOf(CodecGens.edgyInts(-2, 2 * ReplayWindow.WINDOW_SIZE), 1, MAX_OFFSETS);
        PropertyRuns.qt(SEED, EXAMPLES).forAll(bases(), offsets, copies(), shuffleSeeds())
            .checkAssert((base, offsetList, copies, shuffleSeed) ->
            {
                final ReplayWindow window = new ReplayWindow();
                final Set<Long> taken = new HashSet<>();
                long highest = 0;
                for (final long sequence : arrivals(base, offsetList, copies, shuffleSeed))
                {
                    final int expected = sequence <= 0 || (sequence <= highest && highest - sequence >= ReplayWindow.WINDOW_SIZE) ?
                        RejectReason.TOO_OLD : (taken.contains(sequence) ? RejectReason.REPLAY : RejectReason.NONE);
                    final int result = window.check(sequence);
                    results[expected == RejectReason.NONE ? 0 : expected == RejectReason.REPLAY ? 1 : 2]++;
                    assertEquals(expected, result, () -> "sequence " + sequence + " with highest " + window.highest());
                    if (result == RejectReason.NONE)
                    {
                        window.accept(sequence);
                        taken.add(sequence);
                        highest = Math.max(highest, sequence);
                    }
                    assertEquals(highest, window.highest());
                }
            });

        final int total = results[0] + results[1] + results[2];
        for (final int count : results)
        {
            assertTrue(count * 100 > 5 * total, () -> "NONE, REPLAY, TOO_OLD: " + Arrays.toString(results));
        }
    }

    /** Small, block-aligned and huge bases, so ring wrap-around and sign limits are both reached. */
    private static Gen<Long> bases()
    {
        return Generate.oneOf(
            CodecGens.edgy(1, 10_000),
            CodecGens.edgy(1, 1 << 20).map(block -> block * 64),
            CodecGens.edgy(Long.MAX_VALUE - (1L << 40), Long.MAX_VALUE - 4L * ReplayWindow.WINDOW_SIZE));
    }

    private static Gen<Integer> copies()
    {
        return CodecGens.edgyInts(1, 3);
    }

    private static Gen<Long> shuffleSeeds()
    {
        return CodecGens.edgy(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static List<Long> arrivals(final long base, final List<Integer> offsets, final int copies, final long shuffleSeed)
    {
        final List<Long> arrivals = new ArrayList<>();
        for (final int offset : offsets)
        {
            for (int i = 0; i < copies; i++)
            {
                arrivals.add(base + offset);
            }
        }
        Collections.shuffle(arrivals, new Random(shuffleSeed));
        return arrivals;
    }
}
