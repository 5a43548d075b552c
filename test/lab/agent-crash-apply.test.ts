// kill -9 a node agent mid-apply (issue 8): the guide's br0 policy on two bare-metal nodes (maxUnavailable
// 50% = one at a time); the agent holding the slot is SIGKILLed between executing the plan and verifying it
// (VIRTNET_AGENT_APPLY_PAUSE_MS holds that window open). Its checkpoint file stays behind with the node
// half-applied; the restarted agent restores it, the interrupted enactment is retried in the slot it still
// holds, and everything ends Available with no slot leaked. The kernel is checked with `ip`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerProcess, until, repoRoot } from '../support/server-process.js';
import { GUIDE_NNCP_YAML } from '../support/guide-fixtures.js';
import { leftovers, NOTHING, testLabId } from './lab-support.js';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { readCheckpoint } from '../../src/agent/checkpoint.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;
const id = testLabId('k');
const ns = (node: string): string => `vn-${id}-${node}`;
const METAL = ['metal-0', 'metal-1'];
const POLICY = 'create-br0-static';
const LAB = ['--id', id, '--nodes', '0', '--baremetal', '2'];

function virtnet(args: string[], env: Record<string, string> = {}): { code: number; out: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

function link(netns: string, name: string): { ifindex: number; linkinfo?: { info_kind: string } } | undefined {
  const r = spawnSync('ip', ['-n', netns, '-j', '-d', 'link', 'show', name], { encoding: 'utf8' });
  return r.status === 0 ? (JSON.parse(r.stdout || '[]') as { ifindex: number; linkinfo?: { info_kind: string } }[])[0] : undefined;
}

function cond(o: KubeObject | undefined, type: string): { status: string; reason: string } | undefined {
  return ((o?.status as { conditions?: { type: string; status: string; reason: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

function slotMap(p: KubeObject): Record<string, number> {
  return (p.status as { unavailableNodeCountMap?: Record<string, number> | null } | undefined)?.unavailableNodeCountMap ?? {};
}

function agents(dataDir: string): { node: string; pid: number; log: string }[] {
  return (JSON.parse(readFileSync(join(dataDir, 'lab.json'), 'utf8')) as { agents?: { node: string; pid: number; log: string }[] }).agents ?? [];
}

const alive = (pid: number): boolean => spawnSync('kill', ['-0', String(pid)]).status === 0;

describe('an agent killed mid-apply', { skip }, () => {
  let s: ServerProcess;
  let c: ApiClient;
  before(async () => {
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
    const up = virtnet(['lab', 'up', '--data', s.dataDir, ...LAB], { VIRTNET_AGENT_RETRY_BASE_MS: '200', VIRTNET_AGENT_APPLY_PAUSE_MS: '1500' });
    assert.equal(up.code, 0, up.out);
    // The NMState operator and its instance: the agents become handlers.
    await c.create(R.namespace, undefined, { metadata: { name: 'openshift-nmstate' } });
    await c.create(R.subscription, 'openshift-nmstate', {
      metadata: { name: 'kubernetes-nmstate-operator', namespace: 'openshift-nmstate' },
      spec: { channel: 'stable', installPlanApproval: 'Automatic', name: 'kubernetes-nmstate-operator', source: 'virtnet-operators', sourceNamespace: 'openshift-marketplace' },
    });
    await c.create(R.nmstate, undefined, { metadata: { name: 'nmstate' } });
    await until(async () => (await c.list(R.nns)).items.length === METAL.length, 'a NodeNetworkState per node', 30_000);
    s.kubectlOk(['label', 'node', ...METAL, 'node-type=baremetal']);
  });
  after(async () => {
    const down = s ? virtnet(['lab', 'down', '--data', s.dataDir, '--id', id]) : { code: 0, out: '' };
    c?.close();
    await s?.stop();
    assert.equal(down.code, 0, down.out);
    assert.deepEqual(leftovers(id), NOTHING, 'lab down leaves nothing of the lab');
  });

  it('restores its checkpoint on restart, retries in the slot it held, and ends Available without a leaked slot', async () => {
    const cpDir = join(s.dataDir, 'checkpoints');
    const cpPath = (node: string): string => join(cpDir, `checkpoint-${ns(node)}.json`);
    s.kubectlOk(['apply', '-f', s.writeFile('nncp.yaml', GUIDE_NNCP_YAML)]);

    // Whichever node takes the one slot first writes its checkpoint before its first change.
    let victim: string | undefined;
    for (const deadline = Date.now() + 30_000; !victim && Date.now() < deadline; await new Promise((r) => setTimeout(r, 5))) {
      victim = METAL.find((n) => existsSync(cpPath(n)));
    }
    assert.ok(victim, 'a checkpoint file appeared');
    const other = METAL.find((n) => n !== victim)!;
    // The plan has run (br0 exists) and the agent waits before verifying: kill it now.
    const halfApplied = await until(() => link(ns(victim!), 'br0'), `br0 on ${victim} before the kill`, 1000);
    const agent = agents(s.dataDir).find((a) => a.node === victim)!;
    process.kill(agent.pid, 'SIGKILL');
    await until(() => !alive(agent.pid), 'the killed agent to be gone');

    // The state a kill -9 leaves: the checkpoint, the node half-applied, the enactment Progressing in its slot.
    const left = readCheckpoint(cpPath(victim));
    assert.equal(left?.node, victim);
    assert.equal(left?.netns, ns(victim));
    const gen = (await c.get(R.nncp, undefined, POLICY)).metadata.generation ?? 1;
    assert.deepEqual(left?.policy, { name: POLICY, generation: gen });
    assert.equal(link(ns(victim), 'br0')?.ifindex, halfApplied.ifindex, 'br0 stays half-applied while no agent runs');
    assert.equal(cond(await c.get(R.nnce, undefined, `${victim}.${POLICY}`), 'Progressing')?.reason, 'ConfigurationProgressing');
    await until(async () => cond(await c.get(R.nnce, undefined, `${other}.${POLICY}`).catch(() => undefined), 'Pending')?.status === 'True',
      `${other} to wait (Pending) for the slot the dead agent holds`);
    assert.deepEqual(slotMap(await c.get(R.nncp, undefined, POLICY)), { [String(gen)]: 1 });

    // `lab up` again starts the missing agent (without the pause this time).
    const up = virtnet(['lab', 'up', '--data', s.dataDir, ...LAB], { VIRTNET_AGENT_RETRY_BASE_MS: '200' });
    assert.equal(up.code, 0, up.out);
    const restarted = agents(s.dataDir).find((a) => a.node === victim)!;
    assert.notEqual(restarted.pid, agent.pid, 'a new agent');

    const available = await until(async () => {
      const p = await c.get(R.nncp, undefined, POLICY);
      return cond(p, 'Available')?.status === 'True' ? p : undefined;
    }, 'the policy to be Available', 30_000);
    const es = (await c.list(R.nnce, undefined, { labelSelector: `nmstate.io/policy=${POLICY}` })).items;
    assert.deepEqual(es.map((e) => `${e.metadata.name}=${cond(e, 'Available')?.status}`).sort(), METAL.map((n) => `${n}.${POLICY}=True`));
    assert.ok(Object.values(slotMap(available)).every((v) => v === 0), `no slot leaked: ${JSON.stringify(available.status)}`);

    // The restore really ran: br0 was removed with the checkpoint and created again by the retry.
    const log = readFileSync(restarted.log, 'utf8');
    assert.match(log, new RegExp(`restored checkpoint of interrupted apply of policy ${POLICY} \\(generation ${gen}\\)`));
    assert.match(log, /resuming an interrupted apply of generation \d+ in the maxUnavailable slot it holds/);
    for (const node of METAL) assert.equal(link(ns(node), 'br0')?.linkinfo?.info_kind, 'bridge', `${node}: br0 is a bridge`);
    assert.notEqual(link(ns(victim), 'br0')?.ifindex, halfApplied.ifindex, 'a new br0 on the victim');
    const events = (await c.list(R.event, 'default', { fieldSelector: `involvedObject.name=${victim}.${POLICY}` })).items;
    assert.ok(events.some((e) => e['reason'] === 'CheckpointRestored'), `a CheckpointRestored event: ${JSON.stringify(events.map((e) => e['reason']))}`);
    assert.match(s.kubectlOk(['describe', 'nnce', `${victim}.${POLICY}`]), /Warning\s+CheckpointRestored/);
    assert.deepEqual(readdirSync(cpDir), [], 'no checkpoint (nor claim) left');
  });
});
