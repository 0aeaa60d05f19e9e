package io.blocksync.daemon.status;

import io.blocksync.codec.RejectReason;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.util.BitSet;

/**
 * The node-wide counters in the status file. Labels are the names `blocksync status` prints and the metrics
 * endpoint exports. Each counter's key holds its id as an int at {@link #ID_KEY_OFFSET}: readers find a counter by
 * type and id, never by its slot, which depends on the order of allocation.
 * <p>
 * The ids are a contract with every status file and dashboard: never renumber or reuse one; a new counter takes
 * {@link #LAST_ID} + 1 and becomes the new {@code LAST_ID}.
 */
public final class NodeCounters
{
    public static final int NODE_COUNTER_TYPE_ID = 1;
    public static final int PEER_COUNTER_TYPE_ID = 2;
    public static final int SOURCE_COUNTER_TYPE_ID = 3;

    /** Where in a node counter's key its id is, as a 32-bit int. */
    public static final int ID_KEY_OFFSET = 0;

    public static final int DATAGRAMS_RECEIVED_ID = 1;
    public static final int DATAGRAMS_SENT_ID = 2;
    public static final int BYTES_RECEIVED_ID = 3;
    public static final int BYTES_SENT_ID = 4;
    public static final int SEND_FAILURES_ID = 5;
    /** First of the ids of {@code rejected_<reason>}: see {@link #rejectedId(int)} (ids 6 to 15). */
    public static final int REJECTED_ID_BASE = 5;
    public static final int DATAGRAMS_FROM_UNEXPECTED_ADDRESS_ID = 16;
    public static final int BANS_APPLIED_ID = 17;
    public static final int UNBANS_APPLIED_ID = 18;
    public static final int BANS_EXPIRED_ID = 19;
    public static final int RECORDS_DUPLICATE_ID = 20;
    public static final int RECORDS_STALE_ID = 21;
    public static final int REFUSED_PROTECTED_ID = 22;
    public static final int REFUSED_TOO_BROAD_ID = 23;
    public static final int REFUSED_RATE_LIMITED_ID = 24;
    public static final int REFUSED_STORE_FULL_ID = 25;
    public static final int STORE_ENTRIES_ID = 26;
    public static final int LOCAL_DECISIONS_ID = 27;
    public static final int BATCHES_SEALED_ID = 28;
    public static final int RETRANSMITS_ID = 29;
    public static final int ACKS_SENT_ID = 30;
    public static final int ACKS_RECEIVED_ID = 31;
    public static final int HEARTBEATS_SENT_ID = 32;
    public static final int HEARTBEATS_RECEIVED_ID = 33;
    public static final int SYNC_FRAMES_SENT_ID = 34;
    public static final int SYNC_FRAMES_RECEIVED_ID = 35;
    public static final int STREAM_GAPS_SKIPPED_ID = 36;
    public static final int FIREWALL_QUEUE_FULL_ID = 37;
    public static final int FIREWALL_CHANGES_APPLIED_ID = 38;
    public static final int FIREWALL_CHANGES_FAILED_ID = 39;
    public static final int EVENTS_MATCHED_ID = 40;
    public static final int EVENTS_UNMATCHED_ID = 41;
    public static final int EVENTS_FROM_PROTECTED_SOURCES_ID = 42;
    public static final int DETECTOR_BANS_ID = 43;
    public static final int LOG_LINES_DROPPED_ID = 44;
    public static final int ERRORS_ID = 45;
    /** SYNC frames for an origin that is not configured here: dropped. */
    public static final int SYNC_FRAMES_UNKNOWN_ORIGIN_ID = 46;
    /** HEARTBEAT entries for an origin that is not configured here: ignored. */
    public static final int HEARTBEAT_ENTRIES_UNKNOWN_ORIGIN_ID = 47;
    /** BATCH or SYNC frames from a peer carrying this node's own decisions: dropped. */
    public static final int FRAMES_OWN_ORIGIN_ID = 48;
    /** Peers' records stamped further in the future than {@code max-clock-skew}: refused. */
    public static final int REFUSED_FUTURE_TIME_ID = 49;
    /** Peers' new entries refused because their origin already holds its quota of the store ({@code origin-quota}). */
    public static final int REFUSED_ORIGIN_QUOTA_ID = 50;
    /** BATCH or SYNC frames not taken for want of room in the store: a BATCH is not acknowledged, a SYNC's range is offered again. */
    public static final int FRAMES_DEFERRED_NO_ROOM_ID = 51;
    /** Peers seen restarting without their state: their stream jumped to a new epoch, so they are sent ours again. */
    public static final int PEER_STREAM_EPOCHS_ID = 52;
    /** HEARTBEATs from a peer within one heartbeat interval of the last one catch-up evaluated for it: not evaluated. */
    public static final int CATCH_UP_HEARTBEATS_SKIPPED_ID = 53;
    /** Records catch-up read from the store to fill SYNC frames. */
    public static final int CATCH_UP_RECORDS_READ_ID = 54;
    /** Origin ranges catch-up did not send to a peer because they were offered to it recently. */
    public static final int CATCH_UP_RANGES_WITHHELD_ID = 55;
    /** Times a peer's SYNC frame budget for one heartbeat interval ran out; the rest follows at the next interval. */
    public static final int SYNC_FRAME_BUDGET_EXHAUSTED_ID = 56;
    /** Store entries catch-up's index had no room for (the store beyond 1.25 times its capacity). */
    public static final int CATCH_UP_INDEX_FULL_ID = 57;
    /**
     * SYNC frames relayed for another origin with a record whose origin signature does not verify: dropped whole,
     * nothing applied, range not marked.
     */
    public static final int SYNC_FRAMES_BAD_SIGNATURE_ID = 58;
    /** Datagrams addressed to another node id ({@code rejected_wrong_receiver}, protocol 2's reject reason 11). */
    public static final int REJECTED_WRONG_RECEIVER_ID = 59;
    /**
     * Batches the sender's retained ring dropped before every peer had acknowledged them: a peer down, or one that
     * acknowledged nothing new for {@code peer-suspect-after} while lagging more than the ring less one flight window
     * behind the peer furthest ahead, no longer holds the ring back; it catches up by SYNC or snapshot. 0 while every
     * peer answers, however large an import.
     */
    public static final int BATCHES_DROPPED_UNACKED_ID = 60;
    /**
     * Origin ranges received beyond a gap that high-water marks could not remember (the per-origin cap of
     * pending ranges was reached): the range furthest ahead is forgotten and comes again by SYNC.
     */
    public static final int HIGH_WATER_RANGES_DROPPED_ID = 61;
    /**
     * Peers' clock values (HEARTBEAT clocks, record versions) more than a day ahead of this node's clock: not taken into
     * its hybrid logical clock; a record carrying one is refused ({@code refused_future_time} too).
     */
    public static final int CLOCK_REFUSED_FUTURE_HLC_ID = 62;
    /** Times a peer's clock offset, from its HEARTBEATs, went beyond {@code clock-warning} (each logged once). */
    public static final int CLOCK_WARNINGS_ID = 63;
    /** Firewall commits that failed as a whole (the tool's or library's error; logged once per streak). */
    public static final int FIREWALL_APPLY_FAILURES_ID = 64;
    /** Firewall commits the kernel took only in part (an element refused, e.g. a full ipset set). */
    public static final int FIREWALL_PARTIAL_APPLIES_ID = 65;
    /** Periodic firewall checks or listings that could not run. */
    public static final int FIREWALL_CHECK_FAILURES_ID = 66;
    /** Times the kernel was found to have lost or gained what the node wrote (tables, rules, elements); repaired. */
    public static final int FIREWALL_DRIFT_REPAIRS_ID = 67;
    /** Kernel objects no longer mapped that could not be emptied at start, or a failed write of their record. */
    public static final int FIREWALL_CLEANUP_FAILURES_ID = 68;
    /** Completed syncs of the state files (group commit: one per burst of ACKs and {@code ok}s, not per ban). */
    public static final int STATE_SYNCS_ID = 69;
    /** Failed syncs of the state files: after one, the node stops acknowledging until restarted. */
    public static final int STATE_SYNC_FAILURES_ID = 70;
    /** How long the last sync of the state files took, in microseconds (a gauge). */
    public static final int STATE_SYNC_LAST_MICROS_ID = 71;
    /**
     * Wall-clock steps seen (the wall clock moved more than a second against the node's steady clock, while running or
     * while stopped); each is logged once. Local timers (expiries, detector windows, kernel timeouts) do not move.
     */
    public static final int CLOCK_STEPS_ID = 72;
    /** The node's steady clock minus the wall clock, ms (a gauge; 0 until the wall clock steps). */
    public static final int CLOCK_FRAME_OFFSET_MS_ID = 73;
    /** Checkpoints of the ban store's write-ahead log taken (the map synced, the log before it freed). */
    public static final int WAL_CHECKPOINTS_ID = 74;
    /** Changes made while the write-ahead log was full: durable only at the next checkpoint, which their ACKs wait for. */
    public static final int WAL_UNLOGGED_CHANGES_ID = 75;
    /** How long the last checkpoint took, in microseconds (a gauge). */
    public static final int WAL_CHECKPOINT_LAST_MICROS_ID = 76;
    /** Addresses this host's interfaces gained or lost while the node ran (each one protected or unprotected at once). */
    public static final int OWN_ADDRESS_CHANGES_ID = 77;
    /** Stored bans lifted in this node's kernel because they cover an address of this host; kept in the table. */
    public static final int BANS_LIFTED_OWN_ADDRESS_ID = 78;
    /** Bans lifted for an own address that are enforced here again because the address was removed. */
    public static final int BANS_RESTORED_OWN_ADDRESS_ID = 79;
    /** Full re-reads of the own addresses after rtnetlink dropped notifications (socket buffer full) or failed. */
    public static final int OWN_ADDRESS_RESYNCS_ID = 80;
    /** Entries in the ban table's expiry index, stale ones included (a gauge): what the expiry sweep may read. */
    public static final int EXPIRY_INDEX_ENTRIES_ID = 81;
    /** Due expiry index entries whose ban had changed since (re-banned, lifted or removed): dropped, nothing removed. */
    public static final int EXPIRY_STALE_ENTRIES_ID = 82;
    /** Expiry sweeps that read their bound of index entries and left the rest for the next duty cycle. */
    public static final int EXPIRY_CAPPED_CYCLES_ID = 83;
    /** Whole-store scans the expiry sweep fell back to because its index was full (normally 0). */
    public static final int EXPIRY_FULL_SCANS_ID = 84;
    /**
     * Peers' records the ban table refused for now (stamped or versioned too far ahead of this node's clock) whose
     * origin sequences were left open, so catch-up offers them again; each offer counts.
     */
    public static final int RECORDS_DEFERRED_ID = 85;
    /**
     * HEARTBEATs stating a new epoch of the peer's stream within the longest retransmission timeout of the last one
     * acted on: the rewind of our stream to it waits for that timeout to end.
     */
    public static final int PEER_STREAM_EPOCHS_DEFERRED_ID = 86;
    /**
     * Retransmission timeouts that doubled although the peer answered: its ACKs came, but none reported a batch it
     * had not reported before, for two timeouts running.
     */
    public static final int RETRANSMIT_BACKOFFS_ANSWERED_ID = 87;
    /** Requests to the [http] server (/status, /metrics, anything else), counted by its thread. */
    public static final int HTTP_REQUESTS_ID = 88;
    /** [http] requests that failed: the client went away mid-reply, or a page could not be built. */
    public static final int HTTP_REQUEST_FAILURES_ID = 89;
    /** Full checks of the kernel (a listing diffed against the bans, or a whole re-assert for pf and scripts). */
    public static final int FIREWALL_FULL_CHECKS_ID = 90;
    /** How long the last full check's listing took, in milliseconds (runs on a thread of its own; commits go on). */
    public static final int FIREWALL_FULL_CHECK_LAST_MS_ID = 91;
    /** Kernel elements the full checks found missing or stray (deleted or added by hand) and put right. */
    public static final int FIREWALL_ELEMENTS_REPAIRED_ID = 92;
    /**
     * SYNC frames not taken because this node's receive window was closed (its firewall's backlog at the limit):
     * their range is offered again, as for a frame deferred for room.
     */
    public static final int SYNC_FRAMES_DEFERRED_BACKLOG_ID = 93;
    /** HEARTBEATs sent to a peer without high-water entries, because its last one stated the same digest as ours. */
    public static final int HEARTBEATS_IN_STEP_ID = 94;
    /** Peers' HEARTBEATs whose digest matched ours, so catch-up had nothing to compare. */
    public static final int HEARTBEATS_RECEIVED_IN_STEP_ID = 95;
    /** Snapshots this node asked a peer for (docs/PROTOCOL.md, "Snapshots"): sessions started. */
    public static final int SNAPSHOTS_STARTED_ID = 96;
    /** Snapshot sessions that brought every chunk through the mark they cover. */
    public static final int SNAPSHOTS_COMPLETED_ID = 97;
    /** SNAPSHOT_REQUEST frames sent: starts, acknowledgements, repeats and closes. */
    public static final int SNAPSHOT_REQUESTS_SENT_ID = 98;
    /** SNAPSHOT_CHUNK frames sent to peers, resends included. */
    public static final int SNAPSHOT_CHUNKS_SENT_ID = 99;
    /** SNAPSHOT_CHUNK frames sent again: shown missing by the requester, or unacknowledged for a timeout. */
    public static final int SNAPSHOT_CHUNKS_RESENT_ID = 100;
    /** SNAPSHOT_CHUNK frames taken (their records applied, their range marked held). */
    public static final int SNAPSHOT_CHUNKS_RECEIVED_ID = 101;
    /** Authentic SNAPSHOT_CHUNK frames of no session of ours with their sender (late, or never asked for): dropped. */
    public static final int SNAPSHOT_CHUNKS_UNSOLICITED_ID = 102;
    /** Relayed chunks with a record its origin did not sign (or of this node's own origin): dropped, session ended. */
    public static final int SNAPSHOT_CHUNKS_BAD_SIGNATURE_ID = 103;
    /** Group BATCH datagrams this node multicast, first sends and NAK repairs (docs/PROTOCOL.md, "Multicast"). */
    public static final int GROUP_BATCHES_SENT_ID = 104;
    /** Group BATCH datagrams taken from the multicast group (authentic, fresh, new to this member). */
    public static final int GROUP_BATCHES_RECEIVED_ID = 105;
    /** Group datagrams refused as not authentic: unknown or non-member sender, unknown key, bad signature. */
    public static final int GROUP_REJECTED_UNAUTHENTIC_ID = 106;
    /** Group datagrams refused before the signature (length, version, type, receiver) or after it (malformed). */
    public static final int GROUP_REJECTED_INVALID_ID = 107;
    /** Authentic group datagrams already seen (replay window) or repeats of a group sequence already taken. */
    public static final int GROUP_REJECTED_REPLAY_ID = 108;
    /** NAKs this member sent to a group sender for group sequences it lacks. */
    public static final int GROUP_NAKS_SENT_ID = 109;
    /** Group batches multicast again because a member's NAK asked for them. */
    public static final int GROUP_REPAIRS_SENT_ID = 110;
    /** Group sequences a member gave up on (no longer retained, or NAKed too often): their records come by SYNC. */
    public static final int GROUP_GAPS_SKIPPED_ID = 111;
    /** CrowdSec decisions taken as bans or lifts by the [crowdsec] bouncer (the loop applied them or held them already). */
    public static final int CROWDSEC_DECISIONS_TAKEN_ID = 112;
    /** CrowdSec decisions left out: a scope or type that is no firewall ban, an ended duration, or the node refused. */
    public static final int CROWDSEC_DECISIONS_SKIPPED_ID = 113;
    /** Bans and lifts of this node and its peers pushed into the CrowdSec local API ([crowdsec] push = yes). */
    public static final int CROWDSEC_DECISIONS_PUSHED_ID = 114;
    /** Failed local API requests (poll, login, push) and pushes dropped because the push queue was full. */
    public static final int CROWDSEC_ERRORS_ID = 115;
    /** Snapshot requests of a peer that found its chunk budget for the heartbeat interval spent: chunks due wait. */
    public static final int SNAPSHOT_CHUNK_BUDGET_EXHAUSTED_ID = 116;
    /** Snapshot requests ignored: a second new session of the same peer within one heartbeat interval. */
    public static final int SNAPSHOT_SESSIONS_REFUSED_ID = 117;
    /**
     * NAKs refused in whole or in part: from a peer that is not a group member, naming another group sender, or asking
     * for more repairs than the sender's repair budget has left (docs/PROTOCOL.md, "Multicast").
     */
    public static final int GROUP_NAKS_REFUSED_ID = 118;
    /** Group datagrams claiming this node as their sender (its own, looped back, or forged): dropped unchecked. */
    public static final int GROUP_DATAGRAMS_OWN_ID = 119;
    /** Local API replies the CrowdSec bridge refused: longer than its bound, malformed JSON, or not the shape asked for. */
    public static final int CROWDSEC_REPLIES_REFUSED_ID = 120;
    /** Bans and lifts the CrowdSec local API refused again and again (a few tries each): dropped, so later ones go on. */
    public static final int CROWDSEC_PUSHES_DROPPED_ID = 121;
    /**
     * Deleted CrowdSec decisions that lifted nothing: the prefix no longer held this node's own ban under the
     * decision's reason (a peer's ban, or another reason's, put there since, stays).
     */
    public static final int CROWDSEC_LIFTS_NOT_OURS_ID = 122;
    /**
     * Peers' records skipped because their origin sequence is at or below this node's high water for their origin:
     * held already, or expired or lifted since; whatever frame brought them (BATCH, GROUP_BATCH, SYNC, snapshot chunk).
     */
    public static final int RECORDS_BELOW_HIGH_WATER_ID = 123;
    /**
     * Snapshot chunks of a session of ours dropped: beyond the 64 chunks the request window reaches, or with a range
     * not bound to the session (not after the session's start, not joining the chunk before it, past its end).
     */
    public static final int SNAPSHOT_CHUNKS_REFUSED_ID = 124;
    /** Snapshot sessions given up for want of progress (a stalling source); catch-up goes on by SYNC or another source. */
    public static final int SNAPSHOT_SESSIONS_TIMED_OUT_ID = 125;
    /** Snapshot requests not served: an origin not configured or the requester's own, or nothing held beyond its after. */
    public static final int SNAPSHOT_REQUESTS_IGNORED_ID = 126;
    /**
     * Catch-up offers of this node's own origin cut short because its BATCH stream still owes the peer those records
     * (it resends them until acknowledged): no SYNC of what the stream will deliver.
     */
    public static final int CATCH_UP_RANGES_IN_STREAM_ID = 127;
    /**
     * Snapshot sessions of this node's own origin cut short, or not started, because its BATCH stream still owes the
     * requester those records.
     */
    public static final int SNAPSHOT_RANGES_IN_STREAM_ID = 128;
    /**
     * Snapshot chunks of a session of ours at an index already taken, within the range taken there (a resend that
     * crossed our acknowledgement): not decoded, acknowledged again.
     */
    public static final int SNAPSHOT_CHUNKS_COPIES_ID = 129;
    /**
     * Firewall backend transactions that succeeded (commits of element changes, flushes, re-asserts), updated once a
     * second: {@code firewall_changes_applied} over it is the changes a commit carries.
     */
    public static final int FIREWALL_COMMITS_ID = 160;
    /** The highest id given so far; a new counter takes the next one. */
    public static final int LAST_ID = FIREWALL_COMMITS_ID;

    public final AtomicCounter datagramsReceived;
    public final AtomicCounter datagramsSent;
    public final AtomicCounter bytesReceived;
    public final AtomicCounter bytesSent;
    public final AtomicCounter sendFailures;
    public final AtomicCounter[] rejected = new AtomicCounter[RejectReason.COUNT];
    public final AtomicCounter datagramsFromUnexpectedAddress;
    public final AtomicCounter bansApplied;
    public final AtomicCounter unbansApplied;
    public final AtomicCounter bansExpired;
    public final AtomicCounter recordsDuplicate;
    public final AtomicCounter recordsStale;
    public final AtomicCounter refusedProtected;
    public final AtomicCounter refusedTooBroad;
    public final AtomicCounter refusedRateLimited;
    public final AtomicCounter refusedStoreFull;
    public final AtomicCounter storeEntries;
    public final AtomicCounter expiryIndexEntries;
    public final AtomicCounter expiryStaleEntries;
    public final AtomicCounter expiryCappedCycles;
    public final AtomicCounter expiryFullScans;
    public final AtomicCounter localDecisions;
    public final AtomicCounter batchesSealed;
    public final AtomicCounter retransmits;
    public final AtomicCounter acksSent;
    public final AtomicCounter acksReceived;
    public final AtomicCounter heartbeatsSent;
    public final AtomicCounter heartbeatsReceived;
    public final AtomicCounter syncFramesSent;
    public final AtomicCounter snapshotsStarted;
    public final AtomicCounter snapshotsCompleted;
    public final AtomicCounter snapshotRequestsSent;
    public final AtomicCounter snapshotChunksSent;
    public final AtomicCounter snapshotChunksResent;
    public final AtomicCounter snapshotChunksReceived;
    public final AtomicCounter snapshotChunksUnsolicited;
    public final AtomicCounter snapshotChunksBadSignature;
    public final AtomicCounter syncFramesReceived;
    public final AtomicCounter streamGapsSkipped;
    public final AtomicCounter firewallQueueFull;
    public final AtomicCounter firewallChangesApplied;
    public final AtomicCounter firewallChangesFailed;
    public final AtomicCounter eventsMatched;
    public final AtomicCounter eventsUnmatched;
    public final AtomicCounter eventsFromProtectedSources;
    public final AtomicCounter detectorBans;
    public final AtomicCounter logLinesDropped;
    public final AtomicCounter errors;
    public final AtomicCounter syncFramesUnknownOrigin;
    public final AtomicCounter heartbeatEntriesUnknownOrigin;
    public final AtomicCounter framesOwnOrigin;
    public final AtomicCounter refusedFutureTime;
    public final AtomicCounter refusedOriginQuota;
    public final AtomicCounter framesDeferredNoRoom;
    public final AtomicCounter peerStreamEpochs;
    public final AtomicCounter recordsDeferred;
    public final AtomicCounter peerStreamEpochsDeferred;
    public final AtomicCounter retransmitBackoffsAnswered;
    public final AtomicCounter httpRequests;
    public final AtomicCounter httpRequestFailures;
    public final AtomicCounter syncFramesDeferredBacklog;
    public final AtomicCounter heartbeatsInStep;
    public final AtomicCounter heartbeatsReceivedInStep;
    public final AtomicCounter groupBatchesSent;
    public final AtomicCounter groupBatchesReceived;
    public final AtomicCounter groupRejectedUnauthentic;
    public final AtomicCounter groupRejectedInvalid;
    public final AtomicCounter groupRejectedReplay;
    public final AtomicCounter groupNaksSent;
    public final AtomicCounter groupRepairsSent;
    public final AtomicCounter groupGapsSkipped;
    public final AtomicCounter groupNaksRefused;
    public final AtomicCounter groupDatagramsOwn;
    public final AtomicCounter recordsBelowHighWater;
    public final AtomicCounter snapshotChunksRefused;
    public final AtomicCounter snapshotSessionsTimedOut;
    public final AtomicCounter snapshotRequestsIgnored;
    public final AtomicCounter catchUpRangesInStream;
    public final AtomicCounter snapshotRangesInStream;
    public final AtomicCounter snapshotChunksCopies;
    public final AtomicCounter catchUpHeartbeatsSkipped;
    public final AtomicCounter catchUpRecordsRead;
    public final AtomicCounter catchUpRangesWithheld;
    public final AtomicCounter syncFrameBudgetExhausted;
    public final AtomicCounter catchUpIndexFull;
    public final AtomicCounter syncFramesBadSignature;
    public final AtomicCounter clockRefusedFutureHlc;
    public final AtomicCounter clockWarnings;
    public final AtomicCounter batchesDroppedUnacked;
    public final AtomicCounter highWaterRangesDropped;
    public final AtomicCounter firewallApplyFailures;
    public final AtomicCounter firewallPartialApplies;
    public final AtomicCounter firewallCheckFailures;
    public final AtomicCounter firewallDriftRepairs;
    public final AtomicCounter firewallCleanupFailures;
    public final AtomicCounter firewallFullChecks;
    public final AtomicCounter firewallFullCheckLastMs;
    public final AtomicCounter firewallElementsRepaired;
    public final AtomicCounter firewallCommits;
    public final AtomicCounter stateSyncs;
    public final AtomicCounter stateSyncFailures;
    public final AtomicCounter stateSyncLastMicros;
    public final AtomicCounter clockSteps;
    public final AtomicCounter clockFrameOffsetMs;
    public final AtomicCounter walCheckpoints;
    public final AtomicCounter walUnloggedChanges;
    public final AtomicCounter walCheckpointLastMicros;
    public final AtomicCounter ownAddressChanges;
    public final AtomicCounter bansLiftedOwnAddress;
    public final AtomicCounter bansRestoredOwnAddress;
    public final AtomicCounter ownAddressResyncs;
    public final AtomicCounter crowdsecDecisionsTaken;
    public final AtomicCounter crowdsecDecisionsSkipped;
    public final AtomicCounter crowdsecDecisionsPushed;
    public final AtomicCounter crowdsecErrors;
    public final AtomicCounter crowdsecRepliesRefused;
    public final AtomicCounter crowdsecPushesDropped;
    public final AtomicCounter crowdsecLiftsNotOurs;
    public final AtomicCounter snapshotChunkBudgetExhausted;
    public final AtomicCounter snapshotSessionsRefused;

    private final CountersManager manager;
    private final BitSet ids = new BitSet(LAST_ID + 1);

    public NodeCounters(final CountersManager manager)
    {
        this.manager = manager;
        datagramsReceived = counter(DATAGRAMS_RECEIVED_ID, "datagrams_received");
        datagramsSent = counter(DATAGRAMS_SENT_ID, "datagrams_sent");
        bytesReceived = counter(BYTES_RECEIVED_ID, "bytes_received");
        bytesSent = counter(BYTES_SENT_ID, "bytes_sent");
        sendFailures = counter(SEND_FAILURES_ID, "send_failures");
        for (int reason = RejectReason.BAD_LENGTH; reason < RejectReason.COUNT; reason++)
        {
            rejected[reason] = counter(rejectedId(reason), "rejected_" + RejectReason.name(reason));
        }
        datagramsFromUnexpectedAddress = counter(DATAGRAMS_FROM_UNEXPECTED_ADDRESS_ID, "datagrams_from_unexpected_address");
        bansApplied = counter(BANS_APPLIED_ID, "bans_applied");
        unbansApplied = counter(UNBANS_APPLIED_ID, "unbans_applied");
        bansExpired = counter(BANS_EXPIRED_ID, "bans_expired");
        recordsDuplicate = counter(RECORDS_DUPLICATE_ID, "records_duplicate");
        recordsStale = counter(RECORDS_STALE_ID, "records_stale");
        refusedProtected = counter(REFUSED_PROTECTED_ID, "refused_protected");
        refusedTooBroad = counter(REFUSED_TOO_BROAD_ID, "refused_too_broad");
        refusedRateLimited = counter(REFUSED_RATE_LIMITED_ID, "refused_rate_limited");
        refusedStoreFull = counter(REFUSED_STORE_FULL_ID, "refused_store_full");
        storeEntries = counter(STORE_ENTRIES_ID, "store_entries");
        localDecisions = counter(LOCAL_DECISIONS_ID, "local_decisions");
        batchesSealed = counter(BATCHES_SEALED_ID, "batches_sealed");
        retransmits = counter(RETRANSMITS_ID, "retransmits");
        acksSent = counter(ACKS_SENT_ID, "acks_sent");
        acksReceived = counter(ACKS_RECEIVED_ID, "acks_received");
        heartbeatsSent = counter(HEARTBEATS_SENT_ID, "heartbeats_sent");
        heartbeatsReceived = counter(HEARTBEATS_RECEIVED_ID, "heartbeats_received");
        syncFramesSent = counter(SYNC_FRAMES_SENT_ID, "sync_frames_sent");
        syncFramesReceived = counter(SYNC_FRAMES_RECEIVED_ID, "sync_frames_received");
        streamGapsSkipped = counter(STREAM_GAPS_SKIPPED_ID, "stream_gaps_skipped");
        firewallQueueFull = counter(FIREWALL_QUEUE_FULL_ID, "firewall_queue_full");
        firewallChangesApplied = counter(FIREWALL_CHANGES_APPLIED_ID, "firewall_changes_applied");
        firewallChangesFailed = counter(FIREWALL_CHANGES_FAILED_ID, "firewall_changes_failed");
        eventsMatched = counter(EVENTS_MATCHED_ID, "events_matched");
        eventsUnmatched = counter(EVENTS_UNMATCHED_ID, "events_unmatched");
        eventsFromProtectedSources = counter(EVENTS_FROM_PROTECTED_SOURCES_ID, "events_from_protected_sources");
        detectorBans = counter(DETECTOR_BANS_ID, "detector_bans");
        logLinesDropped = counter(LOG_LINES_DROPPED_ID, "log_lines_dropped");
        errors = counter(ERRORS_ID, "errors");
        syncFramesUnknownOrigin = counter(SYNC_FRAMES_UNKNOWN_ORIGIN_ID, "sync_frames_unknown_origin");
        heartbeatEntriesUnknownOrigin = counter(HEARTBEAT_ENTRIES_UNKNOWN_ORIGIN_ID, "heartbeat_entries_unknown_origin");
        framesOwnOrigin = counter(FRAMES_OWN_ORIGIN_ID, "frames_own_origin");
        refusedFutureTime = counter(REFUSED_FUTURE_TIME_ID, "refused_future_time");
        refusedOriginQuota = counter(REFUSED_ORIGIN_QUOTA_ID, "refused_origin_quota");
        framesDeferredNoRoom = counter(FRAMES_DEFERRED_NO_ROOM_ID, "frames_deferred_no_room");
        peerStreamEpochs = counter(PEER_STREAM_EPOCHS_ID, "peer_stream_epochs");
        catchUpHeartbeatsSkipped = counter(CATCH_UP_HEARTBEATS_SKIPPED_ID, "catch_up_heartbeats_skipped");
        catchUpRecordsRead = counter(CATCH_UP_RECORDS_READ_ID, "catch_up_records_read");
        catchUpRangesWithheld = counter(CATCH_UP_RANGES_WITHHELD_ID, "catch_up_ranges_withheld");
        syncFrameBudgetExhausted = counter(SYNC_FRAME_BUDGET_EXHAUSTED_ID, "sync_frame_budget_exhausted");
        catchUpIndexFull = counter(CATCH_UP_INDEX_FULL_ID, "catch_up_index_full");
        syncFramesBadSignature = counter(SYNC_FRAMES_BAD_SIGNATURE_ID, "sync_frames_bad_signature");
        clockRefusedFutureHlc = counter(CLOCK_REFUSED_FUTURE_HLC_ID, "clock_refused_future_hlc");
        clockWarnings = counter(CLOCK_WARNINGS_ID, "clock_warnings");
        batchesDroppedUnacked = counter(BATCHES_DROPPED_UNACKED_ID, "batches_dropped_unacked");
        highWaterRangesDropped = counter(HIGH_WATER_RANGES_DROPPED_ID, "high_water_ranges_dropped");
        firewallApplyFailures = counter(FIREWALL_APPLY_FAILURES_ID, "firewall_apply_failures");
        firewallPartialApplies = counter(FIREWALL_PARTIAL_APPLIES_ID, "firewall_partial_applies");
        firewallCheckFailures = counter(FIREWALL_CHECK_FAILURES_ID, "firewall_check_failures");
        firewallDriftRepairs = counter(FIREWALL_DRIFT_REPAIRS_ID, "firewall_drift_repairs");
        firewallCleanupFailures = counter(FIREWALL_CLEANUP_FAILURES_ID, "firewall_cleanup_failures");
        firewallFullChecks = counter(FIREWALL_FULL_CHECKS_ID, "firewall_full_checks");
        firewallFullCheckLastMs = counter(FIREWALL_FULL_CHECK_LAST_MS_ID, "firewall_full_check_last_ms");
        firewallElementsRepaired = counter(FIREWALL_ELEMENTS_REPAIRED_ID, "firewall_elements_repaired");
        firewallCommits = counter(FIREWALL_COMMITS_ID, "firewall_commits");
        stateSyncs = counter(STATE_SYNCS_ID, "state_syncs");
        stateSyncFailures = counter(STATE_SYNC_FAILURES_ID, "state_sync_failures");
        stateSyncLastMicros = counter(STATE_SYNC_LAST_MICROS_ID, "state_sync_last_micros");
        clockSteps = counter(CLOCK_STEPS_ID, "clock_steps");
        clockFrameOffsetMs = counter(CLOCK_FRAME_OFFSET_MS_ID, "clock_frame_offset_ms");
        walCheckpoints = counter(WAL_CHECKPOINTS_ID, "wal_checkpoints");
        walUnloggedChanges = counter(WAL_UNLOGGED_CHANGES_ID, "wal_unlogged_changes");
        walCheckpointLastMicros = counter(WAL_CHECKPOINT_LAST_MICROS_ID, "wal_checkpoint_last_micros");
        ownAddressChanges = counter(OWN_ADDRESS_CHANGES_ID, "own_address_changes");
        bansLiftedOwnAddress = counter(BANS_LIFTED_OWN_ADDRESS_ID, "bans_lifted_own_address");
        bansRestoredOwnAddress = counter(BANS_RESTORED_OWN_ADDRESS_ID, "bans_restored_own_address");
        ownAddressResyncs = counter(OWN_ADDRESS_RESYNCS_ID, "own_address_resyncs");
        expiryIndexEntries = counter(EXPIRY_INDEX_ENTRIES_ID, "expiry_index_entries");
        expiryStaleEntries = counter(EXPIRY_STALE_ENTRIES_ID, "expiry_stale_entries");
        expiryCappedCycles = counter(EXPIRY_CAPPED_CYCLES_ID, "expiry_capped_cycles");
        expiryFullScans = counter(EXPIRY_FULL_SCANS_ID, "expiry_full_scans");
        recordsDeferred = counter(RECORDS_DEFERRED_ID, "records_deferred");
        peerStreamEpochsDeferred = counter(PEER_STREAM_EPOCHS_DEFERRED_ID, "peer_stream_epochs_deferred");
        retransmitBackoffsAnswered = counter(RETRANSMIT_BACKOFFS_ANSWERED_ID, "retransmit_backoffs_answered");
        httpRequests = counter(HTTP_REQUESTS_ID, "http_requests");
        httpRequestFailures = counter(HTTP_REQUEST_FAILURES_ID, "http_request_failures");
        syncFramesDeferredBacklog = counter(SYNC_FRAMES_DEFERRED_BACKLOG_ID, "sync_frames_deferred_backlog");
        heartbeatsInStep = counter(HEARTBEATS_IN_STEP_ID, "heartbeats_in_step");
        heartbeatsReceivedInStep = counter(HEARTBEATS_RECEIVED_IN_STEP_ID, "heartbeats_received_in_step");
        snapshotsStarted = counter(SNAPSHOTS_STARTED_ID, "snapshots_started");
        snapshotsCompleted = counter(SNAPSHOTS_COMPLETED_ID, "snapshots_completed");
        snapshotRequestsSent = counter(SNAPSHOT_REQUESTS_SENT_ID, "snapshot_requests_sent");
        snapshotChunksSent = counter(SNAPSHOT_CHUNKS_SENT_ID, "snapshot_chunks_sent");
        snapshotChunksResent = counter(SNAPSHOT_CHUNKS_RESENT_ID, "snapshot_chunks_resent");
        snapshotChunksReceived = counter(SNAPSHOT_CHUNKS_RECEIVED_ID, "snapshot_chunks_received");
        snapshotChunksUnsolicited = counter(SNAPSHOT_CHUNKS_UNSOLICITED_ID, "snapshot_chunks_unsolicited");
        snapshotChunksBadSignature = counter(SNAPSHOT_CHUNKS_BAD_SIGNATURE_ID, "snapshot_chunks_bad_signature");
        groupBatchesSent = counter(GROUP_BATCHES_SENT_ID, "group_batches_sent");
        groupBatchesReceived = counter(GROUP_BATCHES_RECEIVED_ID, "group_batches_received");
        groupRejectedUnauthentic = counter(GROUP_REJECTED_UNAUTHENTIC_ID, "group_rejected_unauthentic");
        groupRejectedInvalid = counter(GROUP_REJECTED_INVALID_ID, "group_rejected_invalid");
        groupRejectedReplay = counter(GROUP_REJECTED_REPLAY_ID, "group_rejected_replay");
        groupNaksSent = counter(GROUP_NAKS_SENT_ID, "group_naks_sent");
        groupRepairsSent = counter(GROUP_REPAIRS_SENT_ID, "group_repairs_sent");
        groupGapsSkipped = counter(GROUP_GAPS_SKIPPED_ID, "group_gaps_skipped");
        groupNaksRefused = counter(GROUP_NAKS_REFUSED_ID, "group_naks_refused");
        groupDatagramsOwn = counter(GROUP_DATAGRAMS_OWN_ID, "group_datagrams_own");
        crowdsecDecisionsTaken = counter(CROWDSEC_DECISIONS_TAKEN_ID, "crowdsec_decisions_taken");
        crowdsecDecisionsSkipped = counter(CROWDSEC_DECISIONS_SKIPPED_ID, "crowdsec_decisions_skipped");
        crowdsecDecisionsPushed = counter(CROWDSEC_DECISIONS_PUSHED_ID, "crowdsec_decisions_pushed");
        crowdsecErrors = counter(CROWDSEC_ERRORS_ID, "crowdsec_errors");
        crowdsecRepliesRefused = counter(CROWDSEC_REPLIES_REFUSED_ID, "crowdsec_replies_refused");
        crowdsecPushesDropped = counter(CROWDSEC_PUSHES_DROPPED_ID, "crowdsec_pushes_dropped");
        crowdsecLiftsNotOurs = counter(CROWDSEC_LIFTS_NOT_OURS_ID, "crowdsec_lifts_not_ours");
        snapshotChunkBudgetExhausted = counter(SNAPSHOT_CHUNK_BUDGET_EXHAUSTED_ID, "snapshot_chunk_budget_exhausted");
        snapshotSessionsRefused = counter(SNAPSHOT_SESSIONS_REFUSED_ID, "snapshot_sessions_refused");
        recordsBelowHighWater = counter(RECORDS_BELOW_HIGH_WATER_ID, "records_below_high_water");
        snapshotChunksRefused = counter(SNAPSHOT_CHUNKS_REFUSED_ID, "snapshot_chunks_refused");
        snapshotSessionsTimedOut = counter(SNAPSHOT_SESSIONS_TIMED_OUT_ID, "snapshot_sessions_timed_out");
        snapshotRequestsIgnored = counter(SNAPSHOT_REQUESTS_IGNORED_ID, "snapshot_requests_ignored");
        catchUpRangesInStream = counter(CATCH_UP_RANGES_IN_STREAM_ID, "catch_up_ranges_in_stream");
        snapshotRangesInStream = counter(SNAPSHOT_RANGES_IN_STREAM_ID, "snapshot_ranges_in_stream");
        snapshotChunksCopies = counter(SNAPSHOT_CHUNKS_COPIES_ID, "snapshot_chunks_copies");
    }

    public CountersManager manager()
    {
        return manager;
    }

    /**
     * The id of the {@code rejected_<reason>} counter: {@link #REJECTED_ID_BASE} + reason for the reasons
     * {@link RejectReason#BAD_LENGTH} to {@link RejectReason#MALFORMED}, so ids 6 to 15; reasons added later have
     * ids of their own above them ({@link #REJECTED_WRONG_RECEIVER_ID}).
     *
     * @throws IllegalArgumentException for a reason that has no id yet: a new reason needs an id above
     * {@link #LAST_ID}, since 16 onwards are taken.
     */
    public static int rejectedId(final int reason)
    {
        if (reason == RejectReason.WRONG_RECEIVER)
        {
            return REJECTED_WRONG_RECEIVER_ID;
        }
        if (reason < RejectReason.BAD_LENGTH || reason > RejectReason.MALFORMED)
        {
            throw new IllegalArgumentException("reject reason " + reason + " (" + RejectReason.name(reason) +
                ") has no counter id; give it one above " + LAST_ID);
        }
        return REJECTED_ID_BASE + reason;
    }

    private AtomicCounter counter(final int id, final String label)
    {
        if (ids.get(id))
        {
            throw new IllegalStateException("counter id " + id + " given twice, the second time to " + label);
        }
        ids.set(id);
        return manager.newCounter(label, NODE_COUNTER_TYPE_ID, key -> key.putInt(ID_KEY_OFFSET, id));
    }
}
