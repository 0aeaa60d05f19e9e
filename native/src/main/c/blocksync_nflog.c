/*
 * libblocksync_nflog: the Linux netfilter NFLOG socket for io.blocksync.nativeio.NflogSocket.
 *
 * Raw netlink only (no libnetfilter_log): open a NETLINK_NETFILTER socket, optionally inside another network
 * namespace, bind one log group in copy-packet mode, and receive datagrams into a caller's direct ByteBuffer.
 * Java walks the nlmsghdr/nfgenmsg/attributes itself. Nothing here allocates after open.
 */
/* setns() and CLONE_NEWNET. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include <jni.h>

#include "io_blocksync_nativeio_NflogSocket.h"
#include "blocksync_netlink.h"

#define CONFIG_BUFFER_LENGTH 256
#define ACK_BUFFER_LENGTH 8192
#define MESSAGE_LENGTH BLOCKSYNC_MESSAGE_LENGTH

static size_t put_attribute(
    unsigned char *message, size_t offset, uint16_t type, const void *value, uint16_t value_length)
{
    struct nlattr attribute;
    attribute.nla_len = (uint16_t)(NLA_HDRLEN + value_length);
    attribute.nla_type = type;
    memcpy(message + offset, &attribute, sizeof(attribute));
    memcpy(message + offset + NLA_HDRLEN, value, value_length);
    const size_t end = offset + NLA_ALIGN(NLA_HDRLEN + value_length);
    memset(message + offset + NLA_HDRLEN + value_length, 0, end - (offset + NLA_HDRLEN + value_length));

    return end;
}

static size_t start_config(unsigned char *message, uint8_t family, uint16_t group, uint32_t sequence)
{
    struct nlmsghdr header;
    memset(&header, 0, sizeof(header));
    header.nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
    header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    header.nlmsg_seq = sequence;
    memcpy(message, &header, sizeof(header));

    struct nfgenmsg body;
    body.nfgen_family = family;
    body.version = NFNETLINK_V0;
    body.res_id = htons(group);
    memcpy(message + NLMSG_HDRLEN, &body, sizeof(body));

    return NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(body));
}

/*
 * Send one config message and wait for its ack. Log messages that arrive first (the group is already bound) are
 * dropped: open happens before anything reads the socket. Returns 0 or a positive errno.
 */
static int send_config(int fd, unsigned char *message, size_t length, uint32_t sequence)
{
    struct nlmsghdr header;
    memcpy(&header, message, sizeof(header));
    header.nlmsg_len = (uint32_t)length;
    memcpy(message, &header, sizeof(header));

    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof(kernel));
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, message, length, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
    {
        return errno;
    }

    /* Aligned for nlmsghdr and nlmsgerr. */
    uint32_t answer[ACK_BUFFER_LENGTH / sizeof(uint32_t)];
    for (;;)
    {
        struct sockaddr_nl from;
        socklen_t from_length = sizeof(from);
        const ssize_t received = recvfrom(fd, answer, sizeof(answer), 0, (struct sockaddr *)&from, &from_length);
        if (received < 0)
        {
            if (EINTR == errno)
            {
                continue;
            }
            if (ENOBUFS == errno)
            {
                /* Log messages overran the buffer before our ack; the ack is still queued. */
                continue;
            }
            return EAGAIN == errno || EWOULDBLOCK == errno ? ETIMEDOUT : errno;
        }
        if (0 != from.nl_pid)
        {
            continue;
        }

        size_t offset = 0;
        while (offset + NLMSG_HDRLEN <= (size_t)received)
        {
            struct nlmsghdr reply;
            memcpy(&reply, (const unsigned char *)answer + offset, sizeof(reply));
            if (reply.nlmsg_len < NLMSG_HDRLEN || reply.nlmsg_len > (size_t)received - offset)
            {
                break;
            }
            if (NLMSG_ERROR == reply.nlmsg_type && reply.nlmsg_seq == sequence &&
                reply.nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)))
            {
                struct nlmsgerr error;
                memcpy(&error, (const unsigned char *)answer + offset + NLMSG_HDRLEN, sizeof(error));
                return -error.error;
            }
            offset += NLMSG_ALIGN(reply.nlmsg_len);
        }
    }
}

static int bind_family(int fd, uint8_t family, uint32_t sequence)
{
    unsigned char message[CONFIG_BUFFER_LENGTH] __attribute__((aligned(NLMSG_ALIGNTO)));
    size_t length = start_config(message, family, 0, sequence);
    const struct nfulnl_msg_config_cmd command = { NFULNL_CFG_CMD_PF_BIND };
    length = put_attribute(message, length, NFULA_CFG_CMD, &command, sizeof(command));

    return send_config(fd, message, length, sequence);
}

static int bind_group(int fd, uint16_t group, uint32_t copy_range, uint32_t queue_threshold, uint32_t sequence)
{
    /* One message: the kernel creates the instance for BIND, then applies mode and threshold to it. */
    unsigned char message[CONFIG_BUFFER_LENGTH] __attribute__((aligned(NLMSG_ALIGNTO)));
    size_t length = start_config(message, AF_UNSPEC, group, sequence);
    const struct nfulnl_msg_config_cmd command = { NFULNL_CFG_CMD_BIND };
    length = put_attribute(message, length, NFULA_CFG_CMD, &command, sizeof(command));

    struct nfulnl_msg_config_mode mode;
    memset(&mode, 0, sizeof(mode));
    mode.copy_range = htonl(copy_range);
    mode.copy_mode = NFULNL_COPY_PACKET;
    length = put_attribute(message, length, NFULA_CFG_MODE, &mode, sizeof(mode));

    const uint32_t threshold = htonl(queue_threshold);
    length = put_attribute(message, length, NFULA_CFG_QTHRESH, &threshold, sizeof(threshold));

    return send_config(fd, message, length, sequence);
}

JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_NflogSocket_open0(
    JNIEnv *env,
    jclass type,
    jint group,
    jint copy_range,
    jint queue_threshold,
    jint receive_buffer_bytes,
    jint timeout_millis,
    jboolean bind_families,
    jstring network_namespace)
{
    (void)type;
    const int fd = blocksync_netlink_open(env, NETLINK_NETFILTER, "NETLINK_NETFILTER", network_namespace);
    if (fd < 0 || blocksync_netlink_receive_options(env, fd, receive_buffer_bytes, timeout_millis) < 0)
    {
        return -1;
    }

    uint32_t sequence = 1;
    if (bind_families)
    {
        /* Only old kernels need this (see NflogSocket.open); an error means this kernel has no use for it. */
        (void)bind_family(fd, AF_INET, sequence++);
        (void)bind_family(fd, AF_INET6, sequence++);
    }

    const int error = bind_group(fd, (uint16_t)group, (uint32_t)copy_range, (uint32_t)queue_threshold, sequence);
    if (0 != error)
    {
        char what[MESSAGE_LENGTH];
        snprintf(what, sizeof(what), "cannot bind NFLOG group %d", (int)group);
        const char *hint = EPERM == error || EBUSY == error ?
            " (needs root or CAP_NET_ADMIN, and no other process may hold the group: ulogd2, "
            "tcpdump -i nflog:N, another blocksync)" :
            ETIMEDOUT == error ? " (no answer from the kernel: is nfnetlink_log available?)" : NULL;
        blocksync_throw_errno(env, what, error, hint);
        close(fd);
        return -1;
    }

    return fd;
}

JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_NflogSocket_receive0(
    JNIEnv *env, jclass type, jint fd, jobject buffer, jint offset, jint length)
{
    (void)type;
    return blocksync_netlink_receive(env, fd, buffer, offset, length, "NFLOG socket");
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_NflogSocket_close0(JNIEnv *env, jclass type, jint fd)
{
    (void)env;
    (void)type;
    close(fd);
}
