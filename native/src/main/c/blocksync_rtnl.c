/*
 * libblocksync_nflog, part two: the rtnetlink socket behind io.blocksync.nativeio.AddressMonitorSocket.
 *
 * A NETLINK_ROUTE socket, optionally created inside another network namespace, joined to the multicast groups
 * RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR (rtnetlink(7), linux/rtnetlink.h), so the kernel sends an
 * RTM_NEWADDR or RTM_DELADDR for every address added to or removed from an interface; RTM_GETADDR with NLM_F_DUMP
 * lists the addresses present. Datagrams are received into a caller's direct ByteBuffer; Java walks the
 * nlmsghdr/ifaddrmsg/attributes itself (AddressMessageDecoder). Self-contained like blocksync_kernel.c: its helpers
 * are static so the two files share no symbols. Nothing here allocates after open.
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

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>

#include <jni.h>

#include "io_blocksync_nativeio_AddressMonitorSocket.h"
#include "blocksync_netlink.h"

#define MESSAGE_LENGTH BLOCKSYNC_MESSAGE_LENGTH


static int join_group(int fd, int group)
{
    return setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0 ? errno : 0;
}

JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_AddressMonitorSocket_open0(
    JNIEnv *env, jclass type, jint receive_buffer_bytes, jint timeout_millis, jstring network_namespace)
{
    (void)type;
    const int fd = blocksync_netlink_open(env, NETLINK_ROUTE, "NETLINK_ROUTE", network_namespace);
    if (fd < 0 || blocksync_netlink_receive_options(env, fd, receive_buffer_bytes, timeout_millis) < 0)
    {
        return -1;
    }

    /* Joined before the first dump, so no change between the dump and the subscription is missed. */
    int error = join_group(fd, RTNLGRP_IPV4_IFADDR);
    if (0 == error)
    {
        error = join_group(fd, RTNLGRP_IPV6_IFADDR);
    }
    if (0 != error)
    {
        blocksync_throw_errno(env, "setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_IPV4_IFADDR/RTNLGRP_IPV6_IFADDR)", error, NULL);
        close(fd);
        return -1;
    }

    return fd;
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_AddressMonitorSocket_requestDump0(
    JNIEnv *env, jclass type, jint fd, jint sequence)
{
    (void)type;
    struct
    {
        struct nlmsghdr header;
        struct ifaddrmsg body;
    } request;
    memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
    request.header.nlmsg_type = RTM_GETADDR;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = (uint32_t)sequence;
    request.body.ifa_family = AF_UNSPEC;

    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof(kernel));
    kernel.nl_family = AF_NETLINK;
    for (;;)
    {
        if (sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) >= 0)
        {
            return;
        }
        if (EINTR != errno)
        {
            blocksync_throw_errno(env, "send(RTM_GETADDR dump)", errno, NULL);
            return;
        }
    }
}

JNIEXPORT jint JNICALL Java_io_blocksync_nativeio_AddressMonitorSocket_receive0(
    JNIEnv *env, jclass type, jint fd, jobject buffer, jint offset, jint length)
{
    (void)type;
    return blocksync_netlink_receive(env, fd, buffer, offset, length, "rtnetlink socket");
}

JNIEXPORT void JNICALL Java_io_blocksync_nativeio_AddressMonitorSocket_close0(JNIEnv *env, jclass type, jint fd)
{
    (void)env;
    (void)type;
    close(fd);
}
