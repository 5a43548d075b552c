// The MAC pool and virt-api's VM admission in a real server, driven through its API and the real kubectl:
// distinct MACs written into VM specs under concurrency, collisions refused in kubemacpool's words,
// MACs released with their VM, opted-out namespaces, the range kept per data directory.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess, repoRoot } from '../support/server-process.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** 256 MACs; 02:00:00:00:00:00 is KubeVirt's in-pod bridge MAC, so 255 can be handed out. */
const RANGE = '02:00:00:00:00:00-02:00:00:00:00:ff';
const NS = 'macs';
const VMS = `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachines`;

const podNic = { name: 'default', masquerade: {} };
const podNet = { name: 'default', pod: {} };

function vmBody(name: string, interfaces: Json[] = [podNic], networks: Json[] = [podNet]): Json {
  return {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name },
    spec: { runStrategy: 'Halted', template: { spec: { domain: { devices: { interfaces }, resources: { requests: { memory: '64Mi' } } }, networks } } },
  };
}

const macsOf = (vm: Json): string[] => (vm.spec.template.spec.domain.devices.interfaces as Json[]).map((i) => i.macAddress as string);

function vmYaml(name: string, ns: string, extra = ''): string {
  return `apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  runStrategy: Halted\n  template:\n    spec:\n      domain:\n        devices:\n          interfaces:\n          - name: default\n            masquerade: {}\n${extra}      networks:\n      - name: default\n        pod: {}\n`;
}

describe('VM admission and the MAC pool (real server, real kubectl)', () => {
  let s: ServerProcess;
  before(async () => {
    s = await ServerProcess.start(undefined, ['--no-controllers', '--mac-range', RANGE]);
    s.kubectlOk(['create', 'namespace', NS]);
  });
  after(async () => {
    await s?.stop();
  });

  it('gives 200 VMs created concurrently through the API 200 distinct MACs from the range, written into their specs', async () => {
    const created = await Promise.all(Array.from({ length: 200 }, (_, i) => s.request('POST', VMS, vmBody(`vm${i}`))));
    for (const r of created) assert.equal(r.status, 201, r.text);
    const list = (await s.request('GET', VMS)).json as Json;
    const macs = (list.items as Json[]).flatMap(macsOf);
    assert.equal(macs.length, 200);
    assert.equal(new Set(macs).size, 200, 'no MAC twice');
    for (const mac of macs) assert.match(mac, /^02:00:00:00:00:[0-9a-f]{2}$/);
    assert.ok(!macs.includes('02:00:00:00:00:00'), 'never the in-pod bridge MAC');
    const stored0 = (list.items as Json[]).find((v) => v.metadata.name === 'vm0')!;
    assert.deepEqual(macsOf(created[0]!.json as Json), macsOf(stored0), 'the create response carries the stored MAC');
  });

  it('lets exactly one of two concurrent requests for the same MAC through', async () => {
    const nic = { ...podNic, macAddress: '02:00:00:00:00:f0' };
    const [a, b] = await Promise.all([s.request('POST', VMS, vmBody('race-a', [nic])), s.request('POST', VMS, vmBody('race-b', [nic]))]);
    assert.deepEqual([a.status, b.status].sort(), [201, 422]);
    const loser = (a.status === 422 ? a : b).json as Json;
    assert.equal(loser.reason, 'Invalid');
    assert.equal(loser.message, 'admission webhook "mutatevirtualmachines.kubemacpool.io" denied the request: Failed to create virtual machine allocation error: Failed to allocate mac to the vm object: failed to allocate requested mac address');
    assert.deepEqual(loser.details.causes, [{ reason: 'FieldValueInvalid', field: 'spec.template.spec.domain.devices.interfaces[0].macAddress', message: 'Failed to create virtual machine allocation error: Failed to allocate mac to the vm object: failed to allocate requested mac address' }]);
  });

  it('refuses a MAC another VM holds (kubectl), and frees a VM\'s MACs when it is deleted', () => {
    const holder = JSON.parse(s.kubectlOk(['get', 'vm', 'vm7', '-n', NS, '-o', 'json'])) as Json;
    const mac = macsOf(holder)[0]!;
    const f = s.writeFile('taker.yaml', vmYaml('taker', NS, `            macAddress: ${mac.toUpperCase()}\n`));
    const r = s.kubectl(['create', '-f', f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /spec\.template\.spec\.domain\.devices\.interfaces\[0\]\.macAddress: Failed to create virtual machine allocation error: Failed to allocate mac to the vm object: failed to allocate requested mac address/);
    s.kubectlOk(['delete', 'vm', 'vm7', '-n', NS]);
    s.kubectlOk(['create', '-f', f]);
    assert.equal(s.kubectlOk(['get', 'vm', 'taker', '-n', NS, '-o', 'jsonpath={.spec.template.spec.domain.devices.interfaces[0].macAddress}']), mac.toUpperCase());
  });

  it('keeps an interface\'s MAC across an update that drops it, and gives a new Multus NIC one', async () => {
    const before = macsOf((await s.request('GET', `${VMS}/vm8`)).json as Json)[0]!;
    const patch = { spec: { template: { spec: { domain: { devices: { interfaces: [podNic, { name: 'flat', bridge: {} }] } }, networks: [podNet, { name: 'flat', multus: { networkName: 'flatnetwork' } }] } } } };
    const r = await s.request('PATCH', `${VMS}/vm8`, patch, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.status, 200, r.text);
    const [kept, added] = macsOf(r.json as Json);
    assert.equal(kept, before);
    assert.match(added!, /^02:00:00:00:00:[0-9a-f]{2}$/);
    const all = ((await s.request('GET', VMS)).json as Json).items.flatMap(macsOf) as string[];
    assert.equal(all.filter((m) => m === added).length, 1);
  });

  it('says when the range is full', async () => {
    // 255 usable MACs; about 200 are held now, so 60 more NICs cannot all get one.
    const names = Array.from({ length: 60 }, (_, i) => `n${i}`);
    const body = vmBody('greedy', names.map((name) => ({ name, bridge: {} })), names.map((name) => ({ name, multus: { networkName: 'flatnetwork' } })));
    const r = await s.request('POST', VMS, body);
    assert.equal(r.status, 422, r.text);
    assert.equal((r.json as Json).message, 'admission webhook "mutatevirtualmachines.kubemacpool.io" denied the request: Failed to create virtual machine allocation error: Failed to allocate mac to the vm object: the range is full');
    const dry = await s.request('POST', `${VMS}?dryRun=All`, vmBody('dry'));
    assert.equal(dry.status, 201, 'one MAC is still free');
    assert.match(macsOf(dry.json as Json)[0]!, /^02:00:00:00:00:/);
  });

  it('leaves VMs in a namespace labelled mutatevirtualmachines.kubemacpool.io=ignore alone', () => {
    s.kubectlOk(['create', 'namespace', 'no-macs']);
    s.kubectlOk(['label', 'namespace', 'no-macs', 'mutatevirtualmachines.kubemacpool.io=ignore']);
    s.kubectlOk(['create', '-f', s.writeFile('ignored.yaml', vmYaml('plain', 'no-macs'))]);
    const vm = JSON.parse(s.kubectlOk(['get', 'vm', 'plain', '-n', 'no-macs', '-o', 'json'])) as Json;
    assert.deepEqual(vm.spec.template.spec.domain.devices.interfaces, [podNic]);
  });

  it('gives a VM without NICs the pod network with masquerade (and a MAC)', () => {
    s.kubectlOk(['apply', '-f', s.writeFile('bare.yaml', `apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: bare\n  namespace: default\nspec:\n  runStrategy: Halted\n  template:\n    spec:\n      domain:\n        devices: {}\n`)]);
    const vm = JSON.parse(s.kubectlOk(['get', 'vm', 'bare', '-n', 'default', '-o', 'json'])) as Json;
    assert.deepEqual(vm.spec.template.spec.networks, [podNet]);
    const [nic] = vm.spec.template.spec.domain.devices.interfaces as Json[];
    assert.equal(nic!.name, 'default');
    assert.deepEqual(nic!.masquerade, {});
    assert.match(nic!.macAddress, /^02:00:00:00:00:[0-9a-f]{2}$/);
  });

  it('refuses invalid VMs with virt-api\'s messages and field paths (kubectl)', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['no-strategy', vmYaml('no-strategy', 'default').replace('  runStrategy: Halted\n', ''),
        /spec\.running: RunStrategy must be specified/],
      ['both', vmYaml('both', 'default').replace('  runStrategy: Halted\n', '  runStrategy: Halted\n  running: true\n'),
        /spec\.running: Running and RunStrategy are mutually exclusive\. Note that Running is deprecated, please use RunStrategy instead/],
      ['bad-strategy', vmYaml('bad-strategy', 'default').replace('runStrategy: Halted', 'runStrategy: Sometimes'),
        /spec\.runStrategy: Invalid RunStrategy \(Sometimes\)/],
      ['unpaired', vmYaml('unpaired', 'default').replace('          - name: default\n', '          - name: eth0\n'),
        /spec\.template\.spec\.domain\.devices\.interfaces\[0\]\.name: spec\.template\.spec\.domain\.devices\.interfaces\[0\]\.name 'eth0' not found\./],
      ['reserved', vmYaml('reserved', 'default', '            macAddress: "02:00:00:00:00:00"\n'),
        /spec\.template\.spec\.domain\.devices\.interfaces\[0\]\.macAddress: The requested MAC address is reserved for the in-pod bridge\. Please choose another one\./],
      ['malformed', vmYaml('malformed', 'default', '            macAddress: "02:00:00:00:00"\n'),
        /interfaces\[0\]\.macAddress: interface spec\.template\.spec\.domain\.devices\.interfaces\[0\]\.name has malformed MAC address \(02:00:00:00:00\)\./],
      ['model', vmYaml('model', 'default', '            model: vmxnet3\n'),
        /interfaces\[0\]\.model: interface spec\.template\.spec\.domain\.devices\.interfaces\[0\]\.name uses model vmxnet3 that is not supported\./],
      ['masq-multus', vmYaml('masq-multus', 'default').replace('        pod: {}\n', '        multus:\n          networkName: flatnetwork\n'),
        /interfaces\[0\]\.name: Masquerade interface only implemented with pod network/],
    ];
    for (const [name, yaml, want] of cases) {
      const r = s.kubectl(['apply', '-f', s.writeFile(`${name}.yaml`, yaml)]);
      assert.equal(r.code, 1, `${name}: ${r.stdout}`);
      assert.match(r.stderr, want, name);
      assert.match(r.stderr, /^The request is invalid/, name);
    }
    const none = s.kubectl(['get', 'vm', '-n', 'default', '-o', 'name']);
    assert.doesNotMatch(none.stdout, /no-strategy|both|unpaired|reserved|malformed/, 'nothing half-applied');
  });

  it('keeps the range in openshift-cnv/kubemacpool-mac-range-config across restarts', async () => {
    const cm = JSON.parse(s.kubectlOk(['get', 'configmap', 'kubemacpool-mac-range-config', '-n', 'openshift-cnv', '-o', 'json'])) as Json;
    assert.deepEqual(cm.data, { RANGE_START: '02:00:00:00:00:00', RANGE_END: '02:00:00:00:00:ff' });
    await s.kill('SIGTERM');
    s.extraArgs = ['--no-controllers'];
    await s.launch();
    const r = await s.request('POST', VMS, vmBody('after-restart'));
    assert.equal(r.status, 201, r.text);
    assert.match(macsOf(r.json as Json)[0]!, /^02:00:00:00:00:[0-9a-f]{2}$/);
    const list = ((await s.request('GET', VMS)).json as Json).items.flatMap(macsOf) as string[];
    assert.equal(new Set(list).size, list.length, 'the restarted pool knows every stored MAC');
  });
});

describe('virtnet serve --mac-range', () => {
  it('refuses a half-configured range, in CNAO\'s words', () => {
    const data = mkdtempSync(join(tmpdir(), 'vn-test-'));
    try {
      const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), 'serve', '--listen', '127.0.0.1:0', '--data', data, '--no-controllers', '--mac-range', '02:00:00:00:00:00-'],
        { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, /both or none of the KubeMacPool ranges needs to be configured/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('gives a new data directory a random 02:XX:XX:00:00:00-02:XX:XX:ff:ff:ff range', async () => {
    const s = await ServerProcess.start(undefined, ['--no-controllers']);
    try {
      const cm = JSON.parse(s.kubectlOk(['get', 'configmap', 'kubemacpool-mac-range-config', '-n', 'openshift-cnv', '-o', 'json'])) as Json;
      assert.match(cm.data.RANGE_START, /^02:[0-9a-f]{2}:[0-9a-f]{2}:00:00:00$/);
      assert.equal(cm.data.RANGE_END, cm.data.RANGE_START.replace(/00:00:00$/, 'ff:ff:ff'));
    } finally {
      await s.stop();
    }
  });
});
