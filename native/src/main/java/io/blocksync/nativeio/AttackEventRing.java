package io.blocksync.nativeio;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * Hands events from source threads to the event loop: an Agrona {@link ManyToOneRingBuffer} of fixed-size
 * {@link AttackEventCodec} records. Any number of threads {@link #offer}; one thread {@link #drain}s. Neither
 * side blocks or allocates; a full ring refuses the event and the offering source counts it as dropped.
 */
public final class AttackEventRing
{
    public static final int MESSAGE_TYPE_ID = 1;

    /** Space one event takes in the ring: its record plus the ring's header, aligned. */
    public static final int SLOT_LENGTH =
        BitUtil.align(AttackEventCodec.LENGTH + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);

    /** Events a default ring holds while the loop is busy: about 1.4 MiB. */
    public static final int DEFAULT_CAPACITY_EVENTS = 4096;

    private final RingBuffer ring;
    private final AttackEvent event = new AttackEvent();
    private final MessageHandler reader = this::onMessage;
    private AttackEventHandler drainHandler;
    private volatile Runnable consumerWakeup;

    /**
     * @param capacityEvents events the ring must hold at least; rounded up to fill a power-of-two buffer.
     */
    public AttackEventRing(final int capacityEvents)
    {
        this(new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(bufferLength(capacityEvents)))));
    }

    /**
     * @param ring an existing ring, for example over a memory-mapped file.
     */
    public AttackEventRing(final RingBuffer ring)
    {
        if (ring.maxMsgLength() < AttackEventCodec.LENGTH)
        {
            throw new IllegalArgumentException("ring takes messages up to " + ring.maxMsgLength() +
                " bytes, an event needs " + AttackEventCodec.LENGTH);
        }
        this.ring = ring;
    }

    /**
     * @param capacityEvents events to hold.
     * @return bytes of buffer for that many: a power of two for the data plus the ring's trailer.
     */
    public static int bufferLength(final int capacityEvents)
    {
        if (capacityEvents < 1)
        {
            throw new IllegalArgumentException("ring capacity is " + capacityEvents + " events, expected at least 1");
        }
        // Agrona caps one message at an eighth of the data area.
        final long data = Math.max((long)capacityEvents * SLOT_LENGTH, 8L * SLOT_LENGTH);
        if (data > (1 << 30))
        {
            throw new IllegalArgumentException("ring capacity of " + capacityEvents + " events is above 1 GiB");
        }

        return BitUtil.findNextPositivePowerOfTwo((int)data) + RingBufferDescriptor.TRAILER_LENGTH;
    }

    /**
     * Run after every successful {@link #offer}, e.g. to wake a consumer that sleeps in the kernel when idle.
     *
     * @param wakeup must be cheap and thread safe (Selector.wakeup() is).
     */
    public void consumerWakeup(final Runnable wakeup)
    {
        this.consumerWakeup = wakeup;
    }

    /**
     * Copy an event into the ring; from any thread.
     *
     * @param event to copy.
     * @return false if the ring is full and the event was not taken.
     */
    public boolean offer(final AttackEvent event)
    {
        final int index = ring.tryClaim(MESSAGE_TYPE_ID, AttackEventCodec.LENGTH);
        if (index < 0)
        {
            return false;
        }

        final MutableDirectBuffer buffer = ring.buffer();
        AttackEventCodec.encode(event, buffer, index);
        ring.commit(index);
        final Runnable wakeup = consumerWakeup;
        if (null != wakeup)
        {
            wakeup.run();
        }

        return true;
    }

    /**
     * Hand waiting events to a handler, oldest first; only from the one consuming thread.
     *
     * @param handler gets a reused event, valid during the call.
     * @param limit   most events to hand over in this call.
     * @return events handed over, as a duty-cycle work count.
     */
    public int drain(final AttackEventHandler handler, final int limit)
    {
        drainHandler = handler;
        try
        {
            return ring.read(reader, limit);
        }
        finally
        {
            drainHandler = null;
        }
    }

    /**
     * @return bytes of events waiting, approximately while others write.
     */
    public int size()
    {
        return ring.size();
    }

    /**
     * @return events the ring can hold.
     */
    public int capacityEvents()
    {
        return ring.capacity() / SLOT_LENGTH;
    }

    private void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (MESSAGE_TYPE_ID == msgTypeId && length >= AttackEventCodec.LENGTH)
        {
            AttackEventCodec.decode(buffer, index, event);
            drainHandler.onEvent(event);
        }
    }
}
