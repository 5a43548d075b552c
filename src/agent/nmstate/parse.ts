// Desired state text (YAML or JSON: JSON is YAML) or an already-decoded object → typed NetworkState.
// Shape checks only; rules that need current state live in validate.ts and merge.ts.

import { parse as parseYaml } from 'yaml';
import { isPlainObject } from '../../common/object.js';
import { NmstateError, invalidArgument } from './error.js';
import { SUPPORTED_TYPES, TOP_LEVEL_KEYS } from './types.js';
import type { AnyInterface, InterfaceType, NetworkState } from './types.js';

const STATES = ['up', 'down', 'absent', 'ignore'];

export function parseNetworkState(input: string | unknown): NetworkState {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = parseYaml(input);
    } catch (e) {
      throw invalidArgument(`Invalid YAML string: ${(e as Error).message}`);
    }
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw invalidArgument('Invalid network state: expected a mapping');
  for (const k of Object.keys(doc)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(k)) throw invalidArgument(`unknown field \`${k}\``);
  }
  for (const k of ['ovs-db', 'ovn', 'hostname']) {
    if (k in doc) throw new NmstateError('NotSupportedError', `The \`${k}\` section is not supported by virtnet`);
  }
  const state: NetworkState = {};
  if (doc['interfaces'] !== undefined && doc['interfaces'] !== null) {
    if (!Array.isArray(doc['interfaces'])) throw invalidArgument('Invalid `interfaces`: expected a sequence');
    state.interfaces = doc['interfaces'].map(parseInterface);
  }
  for (const k of ['routes', 'route-rules', 'dns-resolver'] as const) {
    const v = doc[k];
    if (v === undefined || v === null) continue;
    if (!isPlainObject(v)) throw invalidArgument(`Invalid \`${k}\`: expected a mapping`);
    (state as Record<string, unknown>)[k] = structuredClone(v);
  }
  for (const [k, list] of [['routes', state.routes?.config], ['route-rules', state['route-rules']?.config]] as const) {
    if (list !== undefined && list !== null && !Array.isArray(list)) {
      throw invalidArgument(`Invalid \`${k}.config\`: expected a sequence`);
    }
  }
  return state;
}

function parseInterface(v: unknown): AnyInterface {
  if (!isPlainObject(v)) throw invalidArgument('Invalid interface: expected a mapping');
  const name = v['name'];
  if (typeof name !== 'string' || name === '') throw invalidArgument('missing field `name`');
  const iface = structuredClone(v) as unknown as AnyInterface;
  if (iface.type !== undefined && !SUPPORTED_TYPES.includes(iface.type as InterfaceType)) {
    throw new NmstateError('NotSupportedError', `Interface ${name} of type ${String(iface.type)} is not supported by virtnet`);
  }
  if (iface.state !== undefined && !STATES.includes(iface.state)) {
    throw invalidArgument(`unknown variant \`${String(iface.state)}\`, expected one of \`up\`, \`down\`, \`absent\`, \`ignore\``);
  }
  if (isPlainObject(iface.ipv4) && 'autoconf' in iface.ipv4) throw invalidArgument('autoconf is not allowed for IPv4');
  return iface;
}
