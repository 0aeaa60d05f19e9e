package io.blocksync.daemon.status;

import io.blocksync.codec.RejectReason;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The node counter ids are a contract with status files and dashboards: this golden list only ever grows.
 */
class NodeCountersTest
{
    /** id -> label as released; a changed line means a renumbered or relabelled counter. Append, never edit. */
    private static final Map<Integer, String> GOLDEN = golden(
        "1 datagrams_received",
        "2 datagrams_sent",
        "3 bytes_received",
        "4 bytes_sent",
        "5 send_failures",
        "6 rejected_bad_length",
        "7 rejected_bad_version",
        "8 rejected_unknown_sender",
        "9 rejected_unknown_key",
        "10 rejected_retired_key",
        "11 rejected_bad_tag",
        "12 rejected_replay",
        "13 rejected_too_old",
        "14 rejected_bad_type",
        "15 rejected_malformed",
        "16 datagrams_from_unexpected_address",
        "17 bans_applied",
        "18 unbans_applied",
        "19 bans_expired",
        "20 records_duplicate",
        "21 records_stale",
        "22 refused_protected",
        "23 refused_too_broad",
        "24 refused_rate_limited",
        "25 refused_store_full",
        "26 store_entries",
        "27 local_decisions",
        "28 batches_sealed",
        "29 retransmits",
        "30 acks_sent",
        "31 acks_received",
        "32 heartbeats_sent",
        "33 heartbeats_received",
        "34 sync_frames_sent",
        "35 sync_frames_received",
        "36 stream_gaps_skipped",
        "37 firewall_queue_full",
        "38 firewall_changes_applied",
        "39 firewall_changes_failed",
        "40 events_matched",
        "41 events_unmatched",
        "42 events_from_protected_sources",
        "43 detector_bans",
        "44 log_lines_dropped",
        "45 errors",
        "46 sync_frames_unknown_origin",
        "47 heartbeat_entries_unknown_origin",
        "48 frames_own_origin",
        "49 refused_future_time",
        "50 refused_origin_quota",
        "51 frames_deferred_no_room",
        "52 peer_stream_epochs",
        "53 catch_up_heartbeats_skipped",
        "54 catch_up_records_read",
        "55 catch_up_ranges_withheld",
        "56 sync_frame_budget_exhausted",
        "57 catch_up_index_full",
        "58 sync_frames_bad_signature",
        "59 rejected_wrong_receiver",
        "60 batches_dropped_unacked",
        "61 high_water_ranges_dropped",
        "62 clock_refused_future_hlc",
        "63 clock_warnings",
        "64 firewall_apply_failures",
        "65 firewall_partial_applies",
        "66 firewall_check_failures",
        "67 firewall_drift_repairs",
        "68 firewall_cleanup_failures",
        "69 state_syncs",
        "70 state_sync_failures",
        "71 state_sync_last_micros",
        "72 clock_steps",
        "73 clock_frame_offset_ms",
        "74 wal_checkpoints",
        "75 wal_unlogged_changes",
        "76 wal_checkpoint_last_micros",
        "77 own_address_changes",
        "78 bans_lifted_own_address",
        "79 bans_restored_own_address",
        "80 own_address_resyncs",
        "81 expiry_index_entries",
        "82 expiry_stale_entries",
        "83 expiry_capped_cycles",
        "84 expiry_full_scans",
        "85 records_deferred",
        "86 peer_stream_epochs_deferred",
        "87 retransmit_backoffs_answered",
        "88 http_requests",
        "89 http_request_failures",
        "90 firewall_full_checks",
        "91 firewall_full_check_last_ms",
        "92 firewall_elements_repaired",
        "93 sync_frames_deferred_backlog",
        "94 heartbeats_in_step",
        "95 heartbeats_received_in_step",
        "96 snapshots_started",
        "97 snapshots_completed",
        "98 snapshot_requests_sent",
        "99 snapshot_chunks_sent",
        "100 snapshot_chunks_resent",
        "101 snapshot_chunks_received",
        "102 snapshot_chunks_unsolicited",
        "103 snapshot_chunks_bad_signature",
        "104 group_batches_sent",
        "105 group_batches_received",
        "106 group_rejected_unauthentic",
        "107 group_rejected_invalid",
        "108 group_rejected_replay",
        "109 group_naks_sent",
        "110 group_repairs_sent",
        "111 group_gaps_skipped",

        "112 crowdsec_decisions_taken",
        "113 crowdsec_decisions_skipped",
        "114 crowdsec_decisions_pushed",
        "115 crowdsec_errors",

        "116 snapshot_chunk_budget_exhausted",
        "117 snapshot_sessions_refused",

        "118 group_naks_refused",
        "119 group_datagrams_own",
        "120 crowdsec_replies_refused",
        "121 crowdsec_pushes_dropped",
        "122 crowdsec_lifts_not_ours",
        "123 records_below_high_water",
        "124 snapshot_chunks_refused",
        "125 snapshot_sessions_timed_out",
        "126 snapshot_requests_ignored",
        "127 catch_up_ranges_in_stream",
        "128 snapshot_ranges_in_stream",
        "129 snapshot_chunks_copies",

        "160 firewall_commits");

    private final CountersManager manager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(256 * CountersReader.METADATA_LENGTH)),
        new UnsafeBuffer(ByteBuffer.allocateDirect(256 * CountersReader.COUNTER_LENGTH)));
    private final NodeCounters counters = new NodeCounters(manager);

    @Test
    void everyCounterHasItsOwnId()
    {
        final List<Integer> ids = new ArrayList<>(idBySlot().values());
        assertEquals(ids.size(), ids.stream().distinct().count(), "ids given twice in " + ids);
    }

    @Test
    void releasedIdsKeepTheirLabels()
    {
        final TreeMap<Integer, String> labelById = new TreeMap<>();
        manager.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID)
            {
                labelById.put(key.getInt(NodeCounters.ID_KEY_OFFSET), label);
            }
        });
        for (final Map.Entry<Integer, String> golden : GOLDEN.entrySet())
        {
            assertEquals(golden.getValue(), labelById.get(golden.getKey()), "counter id " + golden.getKey());
        }
        assertEquals(GOLDEN, labelById, "a new counter needs its line in GOLDEN");
        assertEquals(NodeCounters.LAST_ID, labelById.lastKey(), "LAST_ID is the highest id");
    }

    @Test
    void rejectedCountersAreFoundByReason()
    {
        final Map<Integer, Integer> idBySlot = idBySlot();
        for (int reason = RejectReason.BAD_LENGTH; reason < RejectReason.COUNT; reason++)
        {
            final int id = NodeCounters.rejectedId(reason);
            assertEquals("rejected_" + RejectReason.name(reason), GOLDEN.get(id));
            assertEquals(id, idBySlot.get(counters.rejected[reason].id()));
        }
        assertThrows(IllegalArgumentException.class, () -> NodeCounters.rejectedId(RejectReason.NONE));
        assertThrows(IllegalArgumentException.class, () -> NodeCounters.rejectedId(RejectReason.COUNT));
    }

    @Test
    void fieldsCountUnderTheirIds()
    {
        final Map<Integer, Integer> idBySlot = idBySlot();
        assertEquals(NodeCounters.DATAGRAMS_RECEIVED_ID, idBySlot.get(counters.datagramsReceived.id()));
        assertEquals(NodeCounters.DATAGRAMS_FROM_UNEXPECTED_ADDRESS_ID, idBySlot.get(counters.datagramsFromUnexpectedAddress.id()));
        assertEquals(NodeCounters.STORE_ENTRIES_ID, idBySlot.get(counters.storeEntries.id()));
        assertEquals(NodeCounters.EVENTS_UNMATCHED_ID, idBySlot.get(counters.eventsUnmatched.id()));
        assertEquals(NodeCounters.ERRORS_ID, idBySlot.get(counters.errors.id()));
    }

    /** Slot in the file -> the id in the counter's key, for the node counters. */
    private Map<Integer, Integer> idBySlot()
    {
        final Map<Integer, Integer> ids = new TreeMap<>();
        manager.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID)
            {
                ids.put(counterId, key.getInt(NodeCounters.ID_KEY_OFFSET));
            }
        });
        return ids;
    }

    private static Map<Integer, String> golden(final String... lines)
    {
        final Map<Integer, String> golden = new LinkedHashMap<>();
        for (final String line : lines)
        {
            final String[] parts = line.split(" ");
            golden.put(Integer.parseInt(parts[0]), parts[1]);
        }
        return new TreeMap<>(golden);
    }
}
