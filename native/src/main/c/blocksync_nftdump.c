/*
 * libblocksync_nflog, part four: the nf_tables set-element dump behind io.blocksync.nativeio.NftSetDump.
 *
 * One NETLINK_NETFILTER socket (optionally made inside another network namespace) asks for a set's elements with
 * NFT_MSG_GETSETELEM and NLM_F_DUMP (linux/netfilter/nf_tables.h) and packs each element's key, flags and time left
 * into a byte array for Java. Why not libnftables: its cache fill (`nft list set`) starts over whenever the ruleset
 * generation changes before it ends, so a listing of 100,000 elements never finishes while bans keep being committed
 * on another session. The kernel instead marks a dump part that saw such a change with NLM_F_DUMP_INTR; the caller
 * gets that as a flag and decides (the reconciler skips what it changed meanwhile and does not count absences as
 * drift). Self-contained like its siblings: helpers are static.
 *
 * Packed answer: byte 0 = 1 if the ruleset changed during the dump (a part marked NLM_F_DUMP_INTR, or another
 * generation after than before), else 0; then per element 26 bytes: key length (1), flags
 * (1: NFTA_SET_ELEM_FLAGS, bit 0 = NFT_SET_ELEM_INTERVAL_END), key (16, zero padded), time left in ms (8, big
 * endian; -1 for an element without timeout).
 *
 * The same socket type also fingerprints one table's objects (fingerprint0: the handles of the table, its chains, sets
 * and rules), so the reconciler re-checks its objects when someone removed them instead of listing the ruleset every
 * second on its commit thread. subscribe0 joins NFNLGRP_NFTABLES, for benchmarks only.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include <jni.h>

#include "io_blocksync_nativeio_NftSetDump.h"
#include "io_blocksync_nativeio_NftElementWriter.h"
#include "blocksync_netlink.h"

#define MESSAGE_LENGTH BLOCKSYNC_MESSAGE_LENGTH
#define RECORD_LENGTH 26
#define RECEIVE_LENGTH (64 * 1024)


struct packed
{
    unsigned char *data;
    size_t length;
    size_t capacity;
};

static int reserve(struct packed *packed, size_t more)
{
    if (packed->length + more <= packed->capacity)
    {
        return 0;
    }
    size_t capacity = 0 == packed->capacity ? 64 * 1024 : packed->capacity;
    while (capacity < packed->length + more)
    {
        capacity *= 2;
    }
    unsigned char *grown = realloc(packed->data, capacity);
    if (NULL == grown)
    {
        return -1;
    }
    packed->data = grown;
    packed->capacity = capacity;
    return 0;
}

static uint64_t be64(const unsigned char *at)
{
    uint64_t value = 0;
    for (int i = 0; i < 8; i++)
    {
        value = value << 8 | at[i];
    }
    return value;
}

static uint32_t be32(const unsigned char *at)
{
    return (uint32_t)at[0] << 24 | (uint32_t)at[1] << 16 | (uint32_t)at[2] << 8 | at[3];
}

#define ATTRIBUTES(start, end, attribute) \
    for (const struct nlattr *attribute = (const struct nlattr *)(start); \
        (const unsigned char *)attribute + NLA_HDRLEN <= (end) && attribute->nla_len >= NLA_HDRLEN && \
        (const unsigned char *)attribute + attribute->nla_len <= (end); \
        attribute = (const struct nlattr *)((const unsigned char *)attribute + NLA_ALIGN(attribute->nla_len)))

#define PAYLOAD(attribute) ((const unsigned char *)(attribute) + NLA_HDRLEN)
#define PAYLOAD_END(attribute) ((const unsigned char *)(attribute) + (attribute)->nla_len)
#define TYPE(attribute) ((attribute)->nla_type & NLA_TYPE_MASK)

/* One NFTA_LIST_ELEM: its key, flags and expiration. */
static int pack_element(struct packed *packed, const struct nlattr *element)
{
    const unsigned char *key = NULL;
    size_t key_length = 0;
    uint32_t flags = 0;
    int64_t left = -1;
    ATTRIBUTES(PAYLOAD(element), PAYLOAD_END(element), attribute)
    {
        switch (TYPE(attribute))
        {
            case NFTA_SET_ELEM_KEY:
                ATTRIBUTES(PAYLOAD(attribute), PAYLOAD_END(attribute), data)
                {
                    if (NFTA_DATA_VALUE == TYPE(data))
                    {
                        key = PAYLOAD(data);
                        key_length = data->nla_len - NLA_HDRLEN;
                    }
                }
                break;
            case NFTA_SET_ELEM_FLAGS:
                if (attribute->nla_len >= NLA_HDRLEN + 4)
                {
                    flags = be32(PAYLOAD(attribute));
                }
                break;
            case NFTA_SET_ELEM_EXPIRATION:
                if (attribute->nla_len >= NLA_HDRLEN + 8)
                {
                    left = (int64_t)be64(PAYLOAD(attribute));
                }
                break;
            default:
                break;
        }
    }
    if (NULL == key || 0 == key_length || key_length > 16)
    {
        return 0;
    }
    if (reserve(packed, RECORD_LENGTH) < 0)
    {
        return -1;
    }

    unsigned char *record = packed->data + packed->length;
    memset(record, 0, RECORD_LENGTH);
    record[0] = (unsigned char)key_length;
    record[1] = (unsigned char)flags;
    memcpy(record + 2, key, key_length);
    for (int i = 0; i < 8; i++)
    {
        record[18 + i] = (unsigned char)((uint64_t)left >> (56 - 8 * i));
    }
    packed->length += RECORD_LENGTH;
    return 0;
}

static int pack_message(struct packed *packed, const struct nlmsghdr *message)
{
    const unsigned char *start = (const unsigned char *)NLMSG_DATA(message) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
    const unsigned char *end = (const unsigned char *)message + message->nlmsg_len;
    ATTRIBUTES(start, end, attribute)
    {
        if (NFTA_SET_ELEM_LIST_ELEMENTS == TYPE(attribute))
        {
            ATTRIBUTES(PAYLOAD(attribute), PAYLOAD_END(attribute), element)
            {
                if (NFTA_LIST_ELEM == TYPE(element) && pack_element(packed, element) < 0)
                {
                    return -1;
                }
            }
        }
    }
    return 0;
}

static size_t put_string(unsigned char *at, uint16_t type, const char *text)
{
    struct nlattr *attribute = (struct nlattr *)at;
    const size_t length = strlen(text) + 1;
    attribute->nla_type = type;
    attribute->nla_len = (uint16_t)(NLA_HDRLEN + length);
    memcpy(at + NLA_HDRLEN, text, length);
    return NLA_ALIGN(attribute->nla_len);
}

/*
 * The ruleset generation (NFT_MSG_GETGEN, NFTA_GEN_ID): it changes with every committed transaction, so equal
 * values before and after a dump mean nothing was committed meanwhile. The kernel marks a set dump that saw a
 * commit with NLM_F_DUMP_INTR only between its parts, not for a change within a hash walk (an rhashtable resize
 * restarts the walk, a delete shifts its skip count), so the dump is bracketed by this. Returns -1 on failure.
 */
static int64_t generation(int fd, uint32_t sequence)
{
    unsigned char request[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg))];
    memset(request, 0, sizeof(request));
    struct nlmsghdr *header = (struct nlmsghdr *)request;
    header->nlmsg_len = sizeof(request);
    header->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN;
    header->nlmsg_flags = NLM_F_REQUEST;
    header->nlmsg_seq = sequence;
    ((struct nfgenmsg *)NLMSG_DATA(header))->version = NFNETLINK_V0;
    if (send(fd, request, sizeof(request), 0) < 0)
    {
        return -1;
    }
    unsigned char buffer[4096];
    for (;;)
    {
        const ssize_t received = recv(fd, buffer, sizeof(buffer), 0);
        if (received < 0)
        {
            if (EINTR == errno)
            {
                continue;
            }
            return -1;
        }
        int remaining = (int)received;
        for (const struct nlmsghdr *message = (const struct nlmsghdr *)buffer; NLMSG_OK(message, remaining);
            message = NLMSG_NEXT(message, remaining))
        {
            if (message->nlmsg_seq != sequence)
            {
                continue;
            }
            if (NLMSG_ERROR == message->nlmsg_type)
            {
                return -1;
            }
            const unsigned char *start = (const unsigned char *)NLMSG_DATA(message) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
            const unsigned char *end = (const unsigned char *)message + message->nlmsg_len;
            ATTRIBUTES(start, end, attribute)
            {
                if (NFTA_GEN_ID == TYPE(attribute) && attribute->nla_len >= NLA_HDRLEN + 4)
                {
                    return be32(PAYLOAD(attribute));
                }
            }
            return -1;
        }
    }
}

JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_NftSetDump_open0(JNIEnv *env, jclass type, jstring network_namespace)
{
    (void)type;
    const int fd = blocksync_netlink_open(env, NETLINK_NETFILTER, "NETLINK_NETFILTER", network_namespace);
    if (fd < 0)
    {
        return -1;
    }
    return fd;
}

JNIEXPORT jbyteArray JNICALL Java_io_blocksync_nativeio_NftSetDump_dump0(
    JNIEnv *env, jclass type, jint fd, jint family, jstring table, jstring set, jint sequence)
{
    (void)type;
    unsigned char request[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg)) + 2 * (NLA_HDRLEN + 260)];
    memset(request, 0, sizeof(request));
    const char *table_name = (*env)->GetStringUTFChars(env, table, NULL);
    const char *set_name = NULL == table_name ? NULL : (*env)->GetStringUTFChars(env, set, NULL);
    if (NULL == set_name)
    {
        if (NULL != table_name)
        {
            (*env)->ReleaseStringUTFChars(env, table, table_name);
        }
        return NULL;
    }
    if (strlen(table_name) > 255 || strlen(set_name) > 255)
    {
        (*env)->ReleaseStringUTFChars(env, table, table_name);
        (*env)->ReleaseStringUTFChars(env, set, set_name);
        blocksync_throw_io(env, "nftables table or set name longer than 255 bytes");
        return NULL;
    }

    struct nlmsghdr *header = (struct nlmsghdr *)request;
    header->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETSETELEM;
    header->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    header->nlmsg_seq = (uint32_t)sequence;
    struct nfgenmsg *generic = NLMSG_DATA(header);
    generic->nfgen_family = (uint8_t)family;
    generic->version = NFNETLINK_V0;
    size_t length = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
    length += put_string(request + length, NFTA_SET_ELEM_LIST_TABLE, table_name);
    length += put_string(request + length, NFTA_SET_ELEM_LIST_SET, set_name);
    header->nlmsg_len = (uint32_t)length;
    (*env)->ReleaseStringUTFChars(env, table, table_name);
    (*env)->ReleaseStringUTFChars(env, set, set_name);

    const int64_t generation_before = generation(fd, (uint32_t)sequence + 0x40000000u);
    if (send(fd, request, length, 0) < 0)
    {
        blocksync_throw_errno(env, "send(NFT_MSG_GETSETELEM)", errno, NULL);
        return NULL;
    }

    struct packed packed = { NULL, 0, 0 };
    unsigned char *buffer = malloc(RECEIVE_LENGTH);
    if (NULL == buffer || reserve(&packed, 1) < 0)
    {
        free(buffer);
        free(packed.data);
        blocksync_throw_io(env, "out of memory for an nftables set listing");
        return NULL;
    }
    packed.data[0] = 0;
    packed.length = 1;

    int error = 0;
    int done = 0;
    while (!done && 0 == error)
    {
        const ssize_t received = recv(fd, buffer, RECEIVE_LENGTH, 0);
        if (received < 0)
        {
            if (EINTR == errno)
            {
                continue;
            }
            error = errno;
            break;
        }
        int remaining = (int)received;
        for (const struct nlmsghdr *message = (const struct nlmsghdr *)buffer; NLMSG_OK(message, remaining);
            message = NLMSG_NEXT(message, remaining))
        {
            if (message->nlmsg_seq != (uint32_t)sequence)
            {
                continue;
            }
            if (0 != (message->nlmsg_flags & NLM_F_DUMP_INTR))
            {
                packed.data[0] = 1;
            }
            if (NLMSG_DONE == message->nlmsg_type)
            {
                done = 1;
                break;
            }
            if (NLMSG_ERROR == message->nlmsg_type)
            {
                const struct nlmsgerr *failure = NLMSG_DATA(message);
                error = 0 == failure->error ? 0 : -failure->error;
                done = 1;
                break;
            }
            if (pack_message(&packed, message) < 0)
            {
                error = ENOMEM;
                break;
            }
        }
    }
    free(buffer);
    if (0 == error)
    {
        const int64_t generation_after = generation(fd, (uint32_t)sequence + 0x80000000u);
        if (generation_before < 0 || generation_after != generation_before)
        {
            packed.data[0] = 1;
        }
    }

    if (0 != error)
    {
        free(packed.data);
        blocksync_throw_errno(env, "nftables set listing (NFT_MSG_GETSETELEM)", error, NULL);
        return NULL;
    }
    jbyteArray bytes = (*env)->NewByteArray(env, (jsize)packed.length);
    if (NULL != bytes)
    {
        (*env)->SetByteArrayRegion(env, bytes, 0, (jsize)packed.length, (const jbyte *)packed.data);
    }
    free(packed.data);
    return bytes;
}

/* The calling thread's nice value (Linux keeps one per thread): 0, or the errno of setpriority. */
JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_NftSetDump_nice0(JNIEnv *env, jclass type, jint nice)
{
    (void)env;
    (void)type;
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice) == 0 ? 0 : errno;
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_NftSetDump_close0(JNIEnv *env, jclass type, jint fd)
{
    (void)env;
    (void)type;
    close(fd);
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_NftSetDump_subscribe0(JNIEnv *env, jclass type, jint fd)
{
    (void)type;
    const int group = NFNLGRP_NFTABLES;
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
    {
        blocksync_throw_errno(env, "setsockopt(NETLINK_ADD_MEMBERSHIP, NFNLGRP_NFTABLES)", errno, NULL);
    }
}

static uint64_t mix64(uint64_t value)
{
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdULL;
    value ^= value >> 33;
    value *= 0xc4ceb53fe1a85ec9ULL;
    return value ^ (value >> 33);
}

/*
 * Adds to *print, for each object of the table (family, name) that a dump of `kind` (NFT_MSG_GETTABLE, _GETCHAIN,
 * _GETSET or _GETRULE) lists, a hash of its kind and handle (NFTA_*_HANDLE, unique and never reused while the
 * table lives). Returns 0 or an errno.
 */
static int fingerprint_kind(int fd, int kind, int handle_type, int family, const char *table, uint32_t sequence,
    unsigned char *buffer, uint64_t *print)
{
    unsigned char request[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg))];
    memset(request, 0, sizeof(request));
    struct nlmsghdr *header = (struct nlmsghdr *)request;
    header->nlmsg_len = sizeof(request);
    header->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | kind;
    header->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    header->nlmsg_seq = sequence;
    struct nfgenmsg *generic = NLMSG_DATA(header);
    generic->nfgen_family = (uint8_t)family;
    generic->version = NFNETLINK_V0;
    if (send(fd, request, sizeof(request), 0) < 0)
    {
        return errno;
    }
    const size_t length = strlen(table);
    for (;;)
    {
        const ssize_t received = recv(fd, buffer, RECEIVE_LENGTH, 0);
        if (received < 0)
        {
            if (EINTR == errno)
            {
                continue;
            }
            return errno;
        }
        int remaining = (int)received;
        for (const struct nlmsghdr *message = (const struct nlmsghdr *)buffer; NLMSG_OK(message, remaining);
            message = NLMSG_NEXT(message, remaining))
        {
            if (message->nlmsg_seq != sequence)
            {
                continue;
            }
            if (NLMSG_DONE == message->nlmsg_type)
            {
                return 0;
            }
            if (NLMSG_ERROR == message->nlmsg_type)
            {
                const struct nlmsgerr *failure = NLMSG_DATA(message);
                return 0 == failure->error ? 0 : -failure->error;
            }
            if (message->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg))
            {
                continue;
            }
            const unsigned char *start = (const unsigned char *)NLMSG_DATA(message) +
                NLMSG_ALIGN(sizeof(struct nfgenmsg));
            const unsigned char *end = (const unsigned char *)message + message->nlmsg_len;
            int ours = 0;
            uint64_t handle = 0;
            ATTRIBUTES(start, end, attribute)
            {
                // The table's name is attribute 1 for all four kinds (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, ...).
                if (1 == TYPE(attribute))
                {
                    const size_t size = attribute->nla_len - NLA_HDRLEN;
                    ours = size >= length && 0 == memcmp(PAYLOAD(attribute), table, length) &&
                        (size == length || '\0' == PAYLOAD(attribute)[length]);
                }
                else if (handle_type == TYPE(attribute) && attribute->nla_len >= NLA_HDRLEN + 8)
                {
                    handle = be64(PAYLOAD(attribute));
                }
            }
            if (ours)
            {
                *print += mix64(((uint64_t)kind << 56) ^ handle);
            }
        }
    }
}

/*
 * A fingerprint of the table (family, name) and its chains, sets and rules: the sum of a hash of each object's kind
 * and handle, from four dumps that list no set element. Any removal (or re-creation) changes it; element commits do
 * not. What the element writer's bulk commits would otherwise cost is the reason to poll this rather than subscribe to
 * NFNLGRP_NFTABLES: while any socket on the host listens there, the kernel builds a notification for every element
 * committed (nf_tables_setelem_notify), about a seventh of a bulk commit's CPU.
 */
JNIEXPORT jlong JNICALL Java_io_blocksync_nativeio_NftSetDump_fingerprint0(
    JNIEnv *env, jclass type, jint fd, jint family, jstring table, jint sequence)
{
    (void)type;
    const char *chars = (*env)->GetStringUTFChars(env, table, NULL);
    if (NULL == chars)
    {
        return 0;
    }
    char name[256];
    snprintf(name, sizeof(name), "%s", chars);
    (*env)->ReleaseStringUTFChars(env, table, chars);
    unsigned char *buffer = malloc(RECEIVE_LENGTH);
    if (NULL == buffer)
    {
        blocksync_throw_io(env, "out of memory for an nftables object listing");
        return 0;
    }
    static const int kinds[4][2] = {
        { NFT_MSG_GETTABLE, NFTA_TABLE_HANDLE }, { NFT_MSG_GETCHAIN, NFTA_CHAIN_HANDLE },
        { NFT_MSG_GETSET, NFTA_SET_HANDLE }, { NFT_MSG_GETRULE, NFTA_RULE_HANDLE } };
    uint64_t print = 0;
    int error = 0;
    for (int i = 0; i < 4 && 0 == error; i++)
    {
        error = fingerprint_kind(fd, kinds[i][0], kinds[i][1], family, name, (uint32_t)sequence + (uint32_t)i, buffer,
            &print);
    }
    free(buffer);
    if (0 != error)
    {
        blocksync_throw_errno(env, "nftables object listing", error, NULL);
        return 0;
    }
    return (jlong)print;
}

/*
 * The element writer behind io.blocksync.nativeio.NftElementWriter: Java builds one nf_tables batch
 * (NFNL_MSG_BATCH_BEGIN, NFT_MSG_NEWSETELEM / NFT_MSG_DELSETELEM with NLM_F_ACK each, NFNL_MSG_BATCH_END) and this
 * sends it on a socket made by open0 above and collects one acknowledgement per element message. Why not
 * libnftables: nft 1.0.6 refreshes its cache before every command once the ruleset generation changed (it did: our
 * own last commit), dumping every interval set's elements (NFT_CACHE_SETELEM_MAYBE in nft's src/cache.c), so a lone
 * ban cost grew with the prefix bans held (3 ms with 1,000, 78 ms with 10,000).
 *
 * The kernel processes a whole batch, reports every message's outcome (nfnetlink_rcv_batch: acks and errors are
 * queued and delivered after the commit or abort) and commits only if none failed. A failure of the commit itself
 * (or of the batch as a whole) is acknowledged on the BATCH_BEGIN message instead, with the other answers dropped.
 */
JNIEXPORT void JNICALL Java_io_blocksync_nativeio_NftElementWriter_prepare0(JNIEnv *env, jclass type, jint fd)
{
    (void)type;
    const int on = 1;
    // The acknowledgements carry only the header of what they answer, not the element (linux/netlink.h).
    if (setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on)) < 0)
    {
        blocksync_throw_errno(env, "setsockopt(NETLINK_CAP_ACK)", errno, NULL);
        return;
    }
    // A refused element's answer then says which attribute of its message was refused (NLMSGERR_ATTR_OFFS), so a
    // message may list many elements and still name the one refused. Optional: without it, offsets stay -1.
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
    const int receive = 4 * 1024 * 1024;
    // Root may exceed net.core.rmem_max (SO_RCVBUFFORCE); a large batch's acknowledgements must not overflow it.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive, sizeof(receive)) < 0)
    {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive, sizeof(receive));
    }
    const struct timeval wait = { 10, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
}

/*
 * The NLMSGERR_ATTR_OFFS of an error answer (linux/netlink.h: extended ack TLVs after the capped nlmsgerr), or -1.
 */
static jint refused_offset(const struct nlmsghdr *message)
{
    if (0 == (message->nlmsg_flags & NLM_F_ACK_TLVS))
    {
        return -1;
    }
    const struct nlmsgerr *answer = NLMSG_DATA(message);
    const size_t echoed = 0 != (message->nlmsg_flags & NLM_F_CAPPED) ? 0 : answer->msg.nlmsg_len - NLMSG_HDRLEN;
    const unsigned char *start = (const unsigned char *)answer + sizeof(*answer) + NLMSG_ALIGN(echoed);
    const unsigned char *end = (const unsigned char *)message + message->nlmsg_len;
    ATTRIBUTES(start, end, attribute)
    {
        if (NLMSGERR_ATTR_OFFS == TYPE(attribute) && attribute->nla_len >= NLA_HDRLEN + sizeof(uint32_t))
        {
            uint32_t offset;
            memcpy(&offset, PAYLOAD(attribute), sizeof(offset));
            return (jint)offset;
        }
    }
    return -1;
}

/*
 * Sends the batch (bytes [0, length)), whose BATCH_BEGIN has sequence number `first` and whose element messages
 * have first + 1 ... first + count, and waits for their answers. errors[i] gets the errno the kernel gave element
 * message i (0: accepted), offsets[i] the offset of the attribute it refused in that message (-1: none given).
 * Returns 0 if the batch was committed, the errno of a failure of the batch as a whole (answered on BATCH_BEGIN), or
 * -1 if element messages were refused (the kernel committed nothing).
 */
JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_NftElementWriter_commit0(
    JNIEnv *env, jclass type, jint fd, jbyteArray batch, jint length, jint first, jintArray errors, jintArray offsets)
{
    (void)type;
    const jsize count = (*env)->GetArrayLength(env, errors);
    int send_buffer = 0;
    socklen_t size = sizeof(send_buffer);
    // One datagram holds the whole batch: the socket's send buffer must be at least its size (nft does the same).
    if (0 == getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, &size) && send_buffer / 2 < length + 4096)
    {
        const int wanted = length + 4096;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &wanted, sizeof(wanted)) < 0)
        {
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &wanted, sizeof(wanted));
        }
    }
    jbyte *bytes = (*env)->GetPrimitiveArrayCritical(env, batch, NULL);
    if (NULL == bytes)
    {
        return ENOMEM;
    }
    ssize_t sent;
    do
    {
        sent = send(fd, bytes, (size_t)length, 0);
    }
    while (sent < 0 && EINTR == errno);
    const int send_error = errno;
    (*env)->ReleasePrimitiveArrayCritical(env, batch, bytes, JNI_ABORT);
    if (sent < 0)
    {
        blocksync_throw_errno(env, "send(nf_tables batch)", send_error, NULL);
        return -1;
    }

    jint *answers = calloc((size_t)(count > 0 ? 2 * count : 1), sizeof(jint));
    unsigned char *buffer = malloc(RECEIVE_LENGTH);
    if (NULL == answers || NULL == buffer)
    {
        free(answers);
        free(buffer);
        blocksync_throw_io(env, "out of memory for an nf_tables batch's answers");
        return -1;
    }
    int result = 0;
    jsize answered = 0;
    int batch_error = 0;
    while (answered < count && 0 == batch_error)
    {
        const ssize_t received = recv(fd, buffer, RECEIVE_LENGTH, 0);
        if (received < 0)
        {
            if (EINTR == errno)
            {
                continue;
            }
            result = errno;
            free(answers);
            free(buffer);
            blocksync_throw_errno(env, EAGAIN == result || EWOULDBLOCK == result ?
                "nf_tables batch answers (none within 10 s)" : "recv(nf_tables batch answers)", result, NULL);
            return -1;
        }
        int remaining = (int)received;
        for (const struct nlmsghdr *message = (const struct nlmsghdr *)buffer; NLMSG_OK(message, remaining);
            message = NLMSG_NEXT(message, remaining))
        {
            if (NLMSG_ERROR != message->nlmsg_type || message->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
            {
                continue;
            }
            const int error = -((const struct nlmsgerr *)NLMSG_DATA(message))->error;
            const uint32_t index = message->nlmsg_seq - (uint32_t)first;
            if (0 == index)
            {
                batch_error = 0 == error ? EPROTO : error;
            }
            else if (index <= (uint32_t)count)
            {
                answers[index - 1] = error;
                answers[count + index - 1] = 0 == error ? -1 : refused_offset(message);
                answered++;
                if (0 != error)
                {
                    result = -1;
                }
            }
        }
    }
    (*env)->SetIntArrayRegion(env, errors, 0, count, answers);
    (*env)->SetIntArrayRegion(env, offsets, 0, count, answers + count);
    free(answers);
    free(buffer);
    return 0 != batch_error ? batch_error : result;
}

JNIEXPORT jstring JNICALL Java_io_blocksync_nativeio_NftElementWriter_strerror0(JNIEnv *env, jclass type, jint error)
{
    (void)type;
    return (*env)->NewStringUTF(env, strerror(error));
}
