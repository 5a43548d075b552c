// Strict checks on the parts of an NNCP's desiredState that become arguments of iproute2 commands on a node:
// interface names (the kernel's IFNAMSIZ: at most 15 bytes, here of [A-Za-z0-9_.-] only), addresses, route
// destinations and VLAN/VXLAN ids. Upstream nmstate rejects most of these only when a node applies the
// policy; virtnet runs as root on the host, so hostile text is turned away at the API instead.
import { isIP } from 'node:net';
import { isPlainObject } from '../../../common/object.js';
import type { FieldError } from '../../../common/status-error.js';

export const IFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;
/** A whole value that is a capture reference (`"{{ capture.gw.routes.running.0.next-hop-interface }}"`). */
const CAPTURE_REF = /^\{\{ *capture\.[A-Za-z0-9_.\-/:]+ *\}\}$/;
const IFACE_DETAIL = 'must be at most 15 characters of [A-Za-z0-9_.-] (a Linux interface name), or a capture reference';

function ifaceName(v: unknown): boolean {
  return typeof v === 'string' && ((IFACE_NAME.test(v) && v !== '.' && v !== '..') || CAPTURE_REF.test(v));
}
function ipOrRef(v: unknown): boolean {
  return typeof v === 'string' && (isIP(v) !== 0 || CAPTURE_REF.test(v));
}
function cidrOrRef(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (CAPTURE_REF.test(v)) return true;
  const [ip, len, extra] = v.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (len === undefined) return true;
  return /^\d{1,3}$/.test(len) && Number(len) <= (family === 4 ? 32 : 128);
}
function intIn(v: unknown, lo: number, hi: number): boolean {
  return (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) || (typeof v === 'string' && CAPTURE_REF.test(v));
}

/** Field errors for `spec.desiredState` (pure). */
export function validateDesiredStateKernelValues(desiredState: unknown): FieldError[] {
  const errs: FieldError[] = [];
  if (!isPlainObject(desiredState)) return errs;
  const base = 'spec.desiredState';
  const check = (ok: boolean, field: string, value: unknown, detail: string): void => {
    if (!ok) errs.push({ type: 'FieldValueInvalid', field, value: typeof value === 'string' ? value : JSON.stringify(value) ?? 'null', detail });
  };
  const name = (v: unknown, field: string): void => check(ifaceName(v), field, v, IFACE_DETAIL);
  const ifaces = desiredState['interfaces'];
  if (Array.isArray(ifaces)) {
    ifaces.forEach((iface: unknown, i) => {
      if (!isPlainObject(iface)) return;
      const at = `${base}.interfaces[${i}]`;
      name(iface['name'], `${at}.name`);
      if (iface['controller'] !== undefined && iface['controller'] !== '') name(iface['controller'], `${at}.controller`);
      for (const kind of ['bridge', 'linux-bridge', 'ovs-bridge'] as const) {
        const b = iface[kind];
        const ports = isPlainObject(b) ? b['port'] : undefined;
        if (Array.isArray(ports)) ports.forEach((p: unknown, j) => { if (isPlainObject(p)) name(p['name'], `${at}.${kind}.port[${j}].name`); });
      }
      const lag = iface['link-aggregation'];
      const lagPorts = isPlainObject(lag) ? lag['port'] ?? lag['ports'] : undefined;
      if (Array.isArray(lagPorts)) lagPorts.forEach((p: unknown, j) => name(p, `${at}.link-aggregation.port[${j}]`));
      const vlan = iface['vlan'];
      if (isPlainObject(vlan)) {
        if (vlan['base-iface'] !== undefined) name(vlan['base-iface'], `${at}.vlan.base-iface`);
        if (vlan['id'] !== undefined) check(intIn(vlan['id'], 1, 4094), `${at}.vlan.id`, vlan['id'], 'must be an integer from 1 to 4094');
      }
      const vxlan = iface['vxlan'];
      if (isPlainObject(vxlan)) {
        if (vxlan['base-iface'] !== undefined) name(vxlan['base-iface'], `${at}.vxlan.base-iface`);
        if (vxlan['id'] !== undefined) check(intIn(vxlan['id'], 0, 16777215), `${at}.vxlan.id`, vxlan['id'], 'must be an integer from 0 to 16777215');
        for (const k of ['remote', 'local']) if (vxlan[k] !== undefined) check(ipOrRef(vxlan[k]), `${at}.vxlan.${k}`, vxlan[k], 'must be an IP address');
      }
      if (iface['mtu'] !== undefined) check(intIn(iface['mtu'], 0, 65535), `${at}.mtu`, iface['mtu'], 'must be an integer from 0 to 65535');
      if (iface['mac-address'] !== undefined) {
        const mac = iface['mac-address'];
        check(typeof mac === 'string' && (/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(mac) || CAPTURE_REF.test(mac)), `${at}.mac-address`, mac, 'must be a MAC address');
      }
      for (const fam of ['ipv4', 'ipv6'] as const) {
        const ipc = iface[fam];
        const addrs = isPlainObject(ipc) ? ipc['address'] : undefined;
        if (!Array.isArray(addrs)) continue;
        addrs.forEach((a: unknown, j) => {
          if (!isPlainObject(a)) return;
          check(ipOrRef(a['ip']), `${at}.${fam}.address[${j}].ip`, a['ip'], 'must be an IP address');
          if (a['prefix-length'] !== undefined) check(intIn(a['prefix-length'], 0, fam === 'ipv4' ? 32 : 128), `${at}.${fam}.address[${j}].prefix-length`, a['prefix-length'], 'must be a prefix length');
        });
      }
    });
  }
  const routes = desiredState['routes'];
  const config = isPlainObject(routes) ? routes['config'] : undefined;
  if (Array.isArray(config)) {
    config.forEach((r: unknown, i) => {
      if (!isPlainObject(r)) return;
      const at = `${base}.routes.config[${i}]`;
      if (r['destination'] !== undefined) check(cidrOrRef(r['destination']), `${at}.destination`, r['destination'], 'must be a CIDR');
      if (r['next-hop-address'] !== undefined && r['next-hop-address'] !== '') check(ipOrRef(r['next-hop-address']), `${at}.next-hop-address`, r['next-hop-address'], 'must be an IP address');
      if (r['next-hop-interface'] !== undefined) name(r['next-hop-interface'], `${at}.next-hop-interface`);
      if (r['table-id'] !== undefined) check(intIn(r['table-id'], 0, 4294967295), `${at}.table-id`, r['table-id'], 'must be a route table id');
    });
  }
  return errs;
}
