package io.blocksync.daemon.node;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.table.DecisionSigner;
import io.blocksync.daemon.table.PreparedDecision;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link DecisionSigning} with several signer threads ({@link SigningShard}s on real {@link AgentRunner}s) and a loop
 * that sleeps as the node's does: in a {@link Selector} that only the signers' {@code wakeLoop} wakes, with no
 * timeout, so a missed wake-up leaves it asleep and the test fails at its deadline saying what the loop last saw.
 * Decisions come back in the order handed over, each signed for its own contents (checked when the loop takes it, so
 * a decision taken before its signer's writes were visible shows), and a stop signs what the signers still hold.
 */
class DecisionSigningThreadsTest
{
    private static final int DECISIONS = 30_000;
    private static final long SEED = 0x5161_14L;
    private static final long DEADLINE_MILLIS = 240_000;
    private static final int NODE_ID = 7;
    private static final int SIGNATURE = NodeKey.SIGNATURE_LENGTH;
    /** Expected signatures of the seeded decisions, signed one by one on one thread; the same for every run. */
    private static byte[] expected;

    private final List<AgentRunner> runners = new ArrayList<>();
    private final ConcurrentLinkedQueue<Throwable> signerErrors = new ConcurrentLinkedQueue<>();

    private final List<DecisionSigning> started = new ArrayList<>();

    @AfterEach
    void stopSigners()
    {
        started.forEach(DecisionSigning::prepareStop);
        runners.forEach(AgentRunner::close);
    }

    @ParameterizedTest
    @ValueSource(ints = { 2, 3, 4 })
    void signersOnThreadsReturnEveryDecisionInOrderWithItsOwnSignature(final int threads) throws Exception
    {
        final DecisionSigning signing = new DecisionSigning(new DecisionSigner(TestKeys.nodeKey(NODE_ID)),
            DecisionSigning.DEFAULT_CAPACITY, NODE_ID);
        final byte[] taken = new byte[DECISIONS * SIGNATURE];
        final Loop loop = runLoop(signing, threads, DECISIONS, new Random(SEED), (decision, index) ->
            System.arraycopy(decision.signature(), 0, taken, index * SIGNATURE, SIGNATURE));

        final byte[] want = expectedSignatures();
        for (int i = 0; i < DECISIONS; i++)
        {
            if (!Arrays.equals(want, i * SIGNATURE, (i + 1) * SIGNATURE,
                taken, i * SIGNATURE, (i + 1) * SIGNATURE))
            {
                fail("decision " + i + " (" + threads + " signers, signer " + i % threads + ") was taken with a " +
                    "signature that is not its own");
            }
        }
        System.out.println(threads + " signers, " + DECISIONS + " signed decisions: the loop slept " + loop.sleeps + " times");
        assertTrue(loop.sleeps > 50, "the loop slept and was woken " + loop.sleeps + " times");
    }

    @ParameterizedTest
    @ValueSource(ints = { 2, 3, 4 })
    void noWakeUpIsLostOverManyShortBurstsWithoutSignatures(final int threads) throws Exception
    {
        // Without the cost of a signature the signers and the loop race each other at every hand-off and take-back.
        final DecisionSigning signing = new DecisionSigning(null, 256, NODE_ID);
        final Loop loop = runLoop(signing, threads, 1_000_000, new Random(SEED + threads), (decision, index) -> { });
        System.out.println(threads + " signers, 1,000,000 unsigned decisions: the loop slept " + loop.sleeps + " times");
        assertTrue(loop.sleeps > 100, "the loop slept and was woken " + loop.sleeps + " times");
    }

    @Test
    void eachSignerSignsItsShareOfWhatIsHandedOverWhenItStops() throws Exception
    {
        final int threads = 3;
        final int handed = 1_000;
        final DecisionSigning signing = new DecisionSigning(new DecisionSigner(TestKeys.nodeKey(NODE_ID)),
            DecisionSigning.DEFAULT_CAPACITY, NODE_ID).offLoop(() -> { }, threads);
        for (int i = 0; i < handed; i++)
        {
            fill(signing.claim().record(), i);
            signing.handOver();
        }
        // Signers 0 and 2 got some of their share signed before the stop, signer 1 none: decision 0 is all the loop has.
        final SigningShard[] shards = signing.shards();
        assertEquals(50, signing.signShare(0, shards[0].signer(), 50));
        assertEquals(20, signing.signShare(2, shards[2].signer(), 20));
        assertEquals(1, signing.signedPrefix(), "decision 1's signer is behind");

        // The stop: each signer's close on a thread of its own, at once.
        final List<Thread> closing = new ArrayList<>();
        for (final SigningShard shard : shards)
        {
            final Thread thread = new Thread(shard::onClose, "close-" + shard.roleName());
            thread.start();
            closing.add(thread);
        }
        for (final Thread thread : closing)
        {
            thread.join(DEADLINE_MILLIS);
        }
        assertEquals(handed, signing.takeable(), "every decision handed over is signed once every signer has closed");
        final byte[] want = expectedSignatures();
        for (int i = 0; i < handed; i++)
        {
            final PreparedDecision head = signing.signedHead();
            assertNotNull(head, "decision " + i);
            assertEquals(i + 1, head.record().originSequence(), "taken back in the order handed over");
            assertArrayEquals(Arrays.copyOfRange(want, i * SIGNATURE, (i + 1) * SIGNATURE),
                head.record().signature(), "decision " + i + "'s own signature");
            signing.release();
        }
    }

    @Test
    void signersStoppedMidBurstLeaveEveryDecisionSigned() throws Exception
    {
        final int threads = 2;
        final int handed = 4_096;
        final DecisionSigning signing = new DecisionSigning(new DecisionSigner(TestKeys.nodeKey(NODE_ID)), handed, NODE_ID)
            .offLoop(() -> { }, threads);
        startSigners(signing);
        for (int i = 0; i < handed; i++)
        {
            fill(signing.claim().record(), i);
            signing.handOver();
        }
        // Tens of milliseconds of signing in their hands: the runners stop while they sign, and close signs the rest.
        signing.prepareStop();
        runners.forEach(AgentRunner::close);
        assertTrue(signerErrors.isEmpty(), "signer errors: " + signerErrors);
        assertEquals(handed, signing.takeable(), "every decision handed over is signed once the signers have stopped");
        final byte[] want = expectedSignatures();
        for (int i = 0; i < handed; i++)
        {
            final PreparedDecision head = signing.signedHead();
            assertEquals(i + 1, head.record().originSequence(), "taken back in the order handed over");
            assertArrayEquals(Arrays.copyOfRange(want, i * SIGNATURE, (i + 1) * SIGNATURE),
                head.record().signature(), "decision " + i + "'s own signature");
            signing.release();
        }
    }

    /** What the loop does with each decision it takes back, on the loop thread, before releasing its slot. */
    private interface Take
    {
        void take(Ban decision, int index);
    }

    /** The loop's side, as seen from the test's thread once it ended. */
    private static final class Loop
    {
        volatile long sleeps;
        volatile long taken;
        volatile long handed;
        volatile String failure;
    }

    /**
     * Runs a loop thread that hands {@code total} seeded decisions over in seeded bursts (1-63, or up to 2,999: more
     * than the ring, so it fills), takes back whatever {@link DecisionSigning#takeable()} allows, checks each is the
     * next in order, and otherwise sleeps in a selector until a signer wakes it.
     */
    private Loop runLoop(final DecisionSigning signing, final int threads, final int total, final Random random, final Take take)
        throws IOException, InterruptedException
    {
        final Selector selector = Selector.open();
        final Loop loop = new Loop();
        signing.offLoop(selector::wakeup, threads);
        startSigners(signing);
        final Thread thread = new Thread(() ->
        {
            try
            {
                long next = 0;
                long taken = 0;
                int burst = 0;
                while (taken < total)
                {
                    if (0 == burst && 0 == signing.inFlight() && next < total)
                    {
                        burst = (int)Math.min(total - next, 1 + random.nextInt(random.nextBoolean() ? 63 : 2_999));
                    }
                    while (burst > 0 && signing.hasRoom())
                    {
                        fill(signing.claim().record(), next++);
                        signing.handOver();
                        burst--;
                    }
                    loop.handed = next;
                    final int takeable = signing.takeable();
                    for (int i = 0; i < takeable; i++)
                    {
                        final PreparedDecision head = signing.signedHead();
                        if (null == head || head.record().originSequence() != taken + 1)
                        {
                            loop.failure = "decision " + taken + " came back as " +
                                (null == head ? "nothing" : "origin sequence " + head.record().originSequence());
                            return;
                        }
                        take.take(head.record(), (int)taken);
                        signing.release();
                        loop.taken = ++taken;
                    }
                    // As NodeAgent.idleWaitMillis: sleep only with nothing to hand over and nothing to take back.
                    if (0 == takeable && !(burst > 0 && signing.hasRoom()) && !signing.hasSigned())
                    {
                        loop.sleeps++;
                        selector.select();
                    }
                }
            }
            catch (final IOException ex)
            {
                loop.failure = ex.toString();
            }
        }, "test-loop");
        thread.start();
        thread.join(DEADLINE_MILLIS);
        if (thread.isAlive())
        {
            final String saw = "after " + DEADLINE_MILLIS + " ms the loop was still asleep or busy with " + loop.taken +
                " of " + total + " taken back, " + loop.handed + " handed over, " + signing.signedPrefix() +
                " signed in a row (" + threads + " signers), after " + loop.sleeps + " sleeps: a wake-up was lost";
            selector.wakeup();
            thread.interrupt();
            fail(saw);
        }
        selector.close();
        assertEquals(null, loop.failure);
        assertTrue(signerErrors.isEmpty(), "signer errors: " + signerErrors);
        assertEquals(total, loop.taken);
        return loop;
    }

    private void startSigners(final DecisionSigning signing)
    {
        started.add(signing);
        for (final SigningShard shard : signing.shards())
        {
            final AgentRunner runner = new AgentRunner(shard.idleStrategy(), signerErrors::add, null, shard);
            runners.add(runner);
            AgentRunner.startOnThread(runner);
        }
    }

    private static synchronized byte[] expectedSignatures()
    {
        if (null == expected)
        {
            final DecisionSigner signer = new DecisionSigner(TestKeys.nodeKey(NODE_ID));
            final Ban decision = new Ban();
            expected = new byte[DECISIONS * SIGNATURE];
            for (int i = 0; i < DECISIONS; i++)
            {
                signer.sign(fill(decision.reset(), i));
                System.arraycopy(decision.signature(), 0, expected, i * SIGNATURE, SIGNATURE);
            }
        }
        return expected;
    }

    /** Decision {@code index}: its own prefix, sequence and time, so no two sign alike. */
    private static Ban fill(final Ban decision, final long index)
    {
        final byte[] address = new byte[16];
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0d;
        address[3] = (byte)0xb8;
        address[4] = (byte)(index >>> 16);
        address[5] = (byte)(index >>> 8);
        address[6] = (byte)index;
        return decision.action(BanAction.BAN).prefix(new IpPrefix().set(AddressFamily.IPV6, address, 64))
            .originNodeId(NODE_ID).originSequence(index + 1).originTimeMillis(1_700_000_000_000L + index)
            .version(index + 1).durationSeconds(3600).reason(0x62756c6bL);
    }
}
