// The lease script busybox udhcpc runs inside the VM namespace. Debian's busybox ships no default script
// (/usr/share/udhcpc/default.script is absent), so the runtime writes this one into each VM's state dir.
// `deconfig` (run once before the first DISCOVER) brings the NIC and lo up, as dhclient-script's PREINIT
// does; the runtime leaves DHCP NICs down for it, which saves a process per VM start. Each event is one
// `ip -batch` (a process costs milliseconds, and a hundred VMs start at once). The address carries the
// lease time as its lifetime, as a real DHCP client's would; each NIC's default route has its own metric
// (VN_ROUTE_METRIC, set by the runtime) so eth0's wins, as in a guest OS. udhcpc formats every value used
// here from binary DHCP options (addresses, numbers), so none can carry a word into the batch.
export const UDHCPC_SCRIPT = `#!/bin/sh
# Written by virtnet's netns runtime: applies a busybox udhcpc lease with iproute2.
metric="\${VN_ROUTE_METRIC:-100}"
case "$1" in
  deconfig)
    # VN_KEEP_ADDRESS (udhcpc restarted by a live migration): the address stays until the new lease.
    ip -force -batch - <<EOF
link set dev lo up
link set dev $interface up
\${VN_KEEP_ADDRESS:+#}addr flush dev $interface scope global
EOF
    ;;
  bound|renew)
    ip -force -batch - <<EOF
\${mtu:+link set dev $interface mtu $mtu}
addr replace $ip/\${mask:-$subnet} dev $interface valid_lft \${lease:-forever} preferred_lft \${lease:-forever}
\${router:+route replace default via \${router%% *} dev $interface metric $metric proto dhcp}
EOF
    ;;
esac
exit 0
`;
