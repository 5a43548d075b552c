// Run by the UDN DHCP daemon inside a router namespace (`ip netns exec <router> node this.js`): opens the
// DHCP server socket there and hands it to the daemon over the IPC channel, then exits. A socket belongs
// to the namespace it was created in, so one daemon per node serves every router namespace of the node,
// and a router namespace has exactly one client-facing link, so 0.0.0.0:67 hears only its network.

import dgram from 'node:dgram';

if (typeof process.send !== 'function') {
  process.stderr.write('dhcp-socket-opener: must be started with an IPC channel\n');
  process.exit(2);
}
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
socket.once('error', (e) => {
  process.send?.({ error: e.message });
  process.exit(1);
});
socket.bind(67, '0.0.0.0', () => {
  socket.setBroadcast(true);
  process.send?.({ ok: true }, socket, () => process.exit(0));
});
