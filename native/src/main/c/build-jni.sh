#!/bin/sh
# Compiles libblocksync_nflog.so: the NFLOG netlink socket behind io.blocksync.nativeio.NflogSocket, the rtnetlink
# address socket behind AddressMonitorSocket, the nf_tables set dump behind NftSetDump and the element writer behind NftElementWriter, and the kernel
# sessions behind NftablesSession and IpsetSession, and the link HMAC behind NativeHmacSha256 (libnftables, libipset
# and libcrypto are dlopened at run time, so neither their packages nor their -dev headers are needed to build).
# Maven runs this in the compile phase (native/pom.xml), after javac has written the JNI header.
#
#   build-jni.sh SOURCE_DIR HEADER_DIR CLASSES_DIR JAVA_HOME
#
# Where the library cannot be built (not Linux, no C compiler, no JNI or kernel headers) it says why and exits 0:
# the build goes on, NflogSocket reports itself unavailable and the pcap-pipe source reads NFLOG instead.
# CC overrides the compiler (default gcc); BLOCKSYNC_SKIP_JNI=1 skips the library on purpose.
set -eu

source_dir=$1
header_dir=$2
classes_dir=$3
java_home=$4
cc=${CC:-gcc}

skip()
{
    echo "[blocksync-native] WARNING: libblocksync_nflog.so not built: $1." \
        "The nflog source will be unavailable; read NFLOG with the pcap-pipe source" \
        "(tcpdump -i nflog:N -U -w -) or install what is missing and rebuild."
    exit 0
}

[ "${BLOCKSYNC_SKIP_JNI:-0}" = 1 ] && skip "BLOCKSYNC_SKIP_JNI=1"
[ "$(uname -s)" = Linux ] || skip "NFLOG exists only on Linux, this is $(uname -s)"
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler '$cc' on PATH (Debian: apt-get install gcc)"

if [ ! -f "$java_home/include/jni.h" ] && [ -n "${JAVA_HOME:-}" ] && [ -f "$JAVA_HOME/include/jni.h" ]; then
    java_home=$JAVA_HOME
fi
[ -f "$java_home/include/jni.h" ] || skip "no jni.h under $java_home/include (a JRE, not a JDK?)"
for class in NflogSocket AddressMonitorSocket NftablesSession IpsetSession NftSetDump NftElementWriter NativeHmacSha256; do
    [ -f "$header_dir/io_blocksync_nativeio_$class.h" ] ||
        skip "javac wrote no JNI header for $class to $header_dir"
done
printf '#include <linux/netfilter/nfnetlink_log.h>\n' | "$cc" -E -x c - >/dev/null 2>&1 ||
    skip "no Linux kernel headers for '$cc' (Debian: apt-get install linux-libc-dev)"

case $(uname -m) in
    x86_64|amd64) arch=x86_64 ;;
    aarch64|arm64) arch=aarch64 ;;
    *) arch=$(uname -m) ;;
esac

out_dir="$classes_dir/native/linux-$arch"
mkdir -p "$out_dir"
"$cc" -shared -fPIC -O2 -std=gnu11 -Wall -Wextra -Werror \
    -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wl,-z,relro,-z,now -Wl,--no-undefined \
    -I"$java_home/include" -I"$java_home/include/linux" -I"$header_dir" \
    -o "$out_dir/libblocksync_nflog.so" "$source_dir/blocksync_nflog.c" "$source_dir/blocksync_kernel.c" \
    "$source_dir/blocksync_rtnl.c" "$source_dir/blocksync_nftdump.c" "$source_dir/blocksync_netlink.c" \
    "$source_dir/blocksync_hmac.c" \
    -ldl -lpthread
