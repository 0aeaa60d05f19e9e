package io.blocksync.firewall;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's counters, written on the worker thread and read from any thread.
 */
final class WorkerCounters
{
    /** Element changes the backend applied. */
    final AtomicLong appliedChanges = new AtomicLong();
    /** Successful backend calls (commits, parts of isolated commits, flushes). */
    final AtomicLong batches = new AtomicLong();
    /** Backend calls that failed, including ones a retry later fixed. */
    final AtomicLong failedAttempts = new AtomicLong();
    /** Element changes the kernel refused (each is retried with backoff). */
    final AtomicLong failedChanges = new AtomicLong();
    /** Successful full checks: listings diffed, or re-asserts of backends that cannot be listed. */
    final AtomicLong reconciles = new AtomicLong();
    /** Elements a full check found missing, stale or stray in the kernel and queued for repair. */
    final AtomicLong repairedElements = new AtomicLong();
    volatile String lastError;
}
