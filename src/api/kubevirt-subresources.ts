// virt-api's subresources (`subresources.kubevirt.io/v1`): PUT `.../virtualmachines/NAME/{start,stop,
// restart}` change the VM's run strategy or queue state change requests for the VM controller, as
// `virtctl start|stop|restart` and the console's Actions menu do; GET `.../virtualmachineinstances/NAME/
// console` is the serial console as a WebSocket, bridged to the unix socket the node's VM runtime serves
// (the agent names it in the VMI's `virtnet.io/console-socket` annotation; same host in the embedded mode).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect } from 'node:net';
import type { WebSocket } from 'ws';
import { websocketServer } from './websocket-watch.js';
import type { KubeObject } from '../common/object.js';
import { StatusError, notFound } from '../common/status-error.js';
import { vmRequestOutcome, type VmRequest, type StateChangeRequest } from '../common/kubevirt/run-strategy.js';
import type { KindIndex } from './kind-index.js';
import type { KindDef } from '../apis/kind.js';
import type { ResourceService } from './resource-service.js';
import { sendJson } from './http/respond.js';

export const SUBRESOURCE_GROUP = 'subresources.kubevirt.io';
export const CONSOLE_SOCKET_ANNOTATION = 'virtnet.io/console-socket';

const VM_ACTION = /^\/apis\/subresources\.kubevirt\.io\/v1\/namespaces\/([^/]+)\/virtualmachines\/([^/]+)\/(start|stop|restart)$/;
const VM_MIGRATE = /^\/apis\/subresources\.kubevirt\.io\/v1\/namespaces\/([^/]+)\/virtualmachines\/([^/]+)\/migrate$/;
const VMI_CONSOLE = /^\/apis\/subresources\.kubevirt\.io\/v1\/namespaces\/([^/]+)\/virtualmachineinstances\/([^/]+)\/console$/;

const WRITE = { dryRun: false, fieldManager: 'virt-api', fieldValidation: 'Ignore' as const, version: 'v1' };

export function isSubresourcePath(path: string): boolean {
  return path.startsWith(`/apis/${SUBRESOURCE_GROUP}/`);
}

async function getOrUndefined(service: ResourceService, def: KindDef, ns: string, name: string): Promise<KubeObject | undefined> {
  try {
    return (await service.get(def, ns, name)).object;
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) return undefined;
    throw e;
  }
}

/** PUT `.../virtualmachines/NAME/migrate` (virtctl migrate): a VMIM `kubevirt-migrate-vm-*` for the VM's VMI. */
async function handleVmMigrate(index: KindIndex, service: ResourceService, path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const m = VM_MIGRATE.exec(path);
  if (!m) return false;
  if (req.method !== 'PUT') throw new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  const [, ns, name] = m as unknown as [string, string, string];
  const vmDef = index.byKind('kubevirt.io', 'VirtualMachine')!;
  const vmiDef = index.byKind('kubevirt.io', 'VirtualMachineInstance')!;
  const vmimDef = index.byKind('kubevirt.io', 'VirtualMachineInstanceMigration')!;
  if (!await getOrUndefined(service, vmDef, ns, name)) throw notFound(vmDef.group, vmDef.plural, name);
  const vmi = await getOrUndefined(service, vmiDef, ns, name);
  if ((vmi?.status as { phase?: string } | undefined)?.phase !== 'Running') throw new StatusError(409, 'Conflict', 'VM is not running');
  await service.create(vmimDef, ns, {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration',
    metadata: { generateName: 'kubevirt-migrate-vm-', namespace: ns }, spec: { vmiName: name },
  }, WRITE);
  res.writeHead(202, { 'Content-Length': 0 });
  res.end();
  return true;
}

export async function handleVmAction(index: KindIndex, service: ResourceService, path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (await handleVmMigrate(index, service, path, req, res)) return true;
  const m = VM_ACTION.exec(path);
  if (!m) return false;
  if (req.method !== 'PUT') throw new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  const [, ns, name, action] = m as unknown as [string, string, string, VmRequest];
  const vmDef = index.byKind('kubevirt.io', 'VirtualMachine')!;
  const vmiDef = index.byKind('kubevirt.io', 'VirtualMachineInstance')!;
  const vm = await getOrUndefined(service, vmDef, ns, name);
  if (!vm) throw notFound(vmDef.group, vmDef.plural, name);
  const vmi = await getOrUndefined(service, vmiDef, ns, name);
  const outcome = vmRequestOutcome(vm, vmi, action);
  if ('conflict' in outcome) throw new StatusError(409, 'Conflict', outcome.conflict);
  if ('spec' in outcome) {
    await service.update(vmDef, ns, name, (cur) => {
      const spec = { ...(cur.spec as Record<string, unknown>), ...outcome.spec };
      if ('runStrategy' in outcome.spec) delete spec['running'];
      return { ...cur, spec };
    }, WRITE);
  } else {
    await service.update(vmDef, ns, name, (cur) => {
      const st = (cur.status ?? {}) as { stateChangeRequests?: StateChangeRequest[] };
      return { ...cur, status: { ...st, stateChangeRequests: [...(st.stateChangeRequests ?? []), ...outcome.requests] } };
    }, WRITE, 'status');
  }
  res.writeHead(202, { 'Content-Length': 0 });
  res.end();
  return true;
}

/** Discovery for the subresource group, so clients that look it up find it. */
export function handleSubresourceDiscovery(path: string, res: ServerResponse): boolean {
  if (path !== `/apis/${SUBRESOURCE_GROUP}/v1`) return false;
  sendJson(res, 200, {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${SUBRESOURCE_GROUP}/v1`,
    resources: [
      ...['start', 'stop', 'restart', 'migrate'].map((s) => ({ name: `virtualmachines/${s}`, singularName: '', namespaced: true, kind: 'VirtualMachine', verbs: ['update'] })),
      { name: 'virtualmachineinstances/console', singularName: '', namespaced: true, kind: 'VirtualMachineInstance', verbs: ['get'] },
    ],
  });
  return true;
}


/** Upgrades a console request: bytes flow between the WebSocket (binary frames) and the VM's serial socket. */
export async function handleConsoleUpgrade(index: KindIndex, service: ResourceService, path: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
  const m = VMI_CONSOLE.exec(path);
  if (!m) return false;
  const [, ns, name] = m as unknown as [string, string, string];
  const vmiDef = index.byKind('kubevirt.io', 'VirtualMachineInstance')!;
  const vmi = await getOrUndefined(service, vmiDef, ns, name);
  const reject = (code: number, msg: string): true => {
    socket.end(`HTTP/1.1 ${code} ${code === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${msg}\n`);
    return true;
  };
  if (!vmi) return reject(404, `virtualmachineinstance.kubevirt.io "${name}" not found`);
  const sock = vmi.metadata.annotations?.[CONSOLE_SOCKET_ANNOTATION];
  if ((vmi.status as { phase?: string } | undefined)?.phase !== 'Running' || !sock) return reject(400, `VMI ${ns}/${name} is not running`);
  websocketServer.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    const serial = connect(sock);
    serial.on('data', (d: Buffer) => ws.send(d, { binary: true }));
    serial.on('error', () => ws.close(1011, 'console socket error'));
    serial.on('close', () => ws.close());
    ws.on('message', (d: Buffer | string) => serial.write(typeof d === 'string' ? d : Buffer.from(d)));
    ws.on('close', () => serial.destroy());
  });
  return true;
}
