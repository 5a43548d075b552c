// REST details below kubectl's surface: discovery forms, OpenAPI, Tables, watch filtering, selectors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess } from '../support/server-process.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function readEvents(s: ServerProcess, path: string, count: number, accept = 'application/json', act?: () => Promise<void>): Promise<Json[]> {
  const res = await s.open('GET', path, undefined, { Accept: accept });
  assert.equal(res.statusCode, 200);
  const events: Json[] = [];
  let buf = '';
  const deadline = Date.now() + 10_000;
  let acted = false;
  const timer = setTimeout(() => res.destroy(), 10_000);
  try {
    if (act && !acted) {
      acted = true;
      setTimeout(() => void act(), 100);
    }
    for await (const chunk of res) {
      buf += (chunk as Buffer).toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, nl)) as Json);
        buf = buf.slice(nl + 1);
      }
      if (events.length >= count || Date.now() > deadline) break;
    }
  } finally {
    clearTimeout(timer);
    res.destroy();
  }
  return events;
}

describe('REST semantics', () => {
  let s: ServerProcess;
  before(async () => {
    // Without controllers: this test writes NNCP status itself.
    s = await ServerProcess.start(undefined, ['--no-controllers']);
    await s.request('POST', '/api/v1/namespaces', { metadata: { name: 'rest' } });
  });
  after(async () => {
    await s.stop();
  });

  it('serves discovery aggregated and legacy, consistently', async () => {
    const agg = await s.request('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.equal(agg.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const groups = (agg.json as Json).items.map((i: Json) => i.metadata.name).sort();
    const legacy = await s.request('GET', '/apis');
    assert.equal((legacy.json as Json).kind, 'APIGroupList');
    assert.deepEqual((legacy.json as Json).groups.map((g: Json) => g.name).sort(), groups);
    const nmstate = (legacy.json as Json).groups.find((g: Json) => g.name === 'nmstate.io');
    assert.equal(nmstate.preferredVersion.version, 'v1');
    assert.deepEqual(nmstate.versions.map((v: Json) => v.version), ['v1', 'v1beta1']);
    const rl = await s.request('GET', '/apis/kubevirt.io/v1');
    const vm = (rl.json as Json).resources.find((r: Json) => r.name === 'virtualmachines');
    assert.deepEqual(vm.shortNames, ['vm', 'vms']);
    assert.ok((rl.json as Json).resources.some((r: Json) => r.name === 'virtualmachines/status'));
    const core = await s.request('GET', '/api');
    assert.deepEqual((core.json as Json).versions, ['v1']);
    const v = await s.request('GET', '/version', undefined, {}, false);
    assert.equal((v.json as Json).minor, '32');
  });

  it('OpenAPI v3 tags PATCH with the kind and fieldValidation', async () => {
    const root = await s.request('GET', '/openapi/v3');
    const url = (root.json as Json).paths['apis/kubevirt.io/v1'].serverRelativeURL as string;
    const doc = (await s.request('GET', url)).json as Json;
    const patch = doc.paths['/apis/kubevirt.io/v1/namespaces/{namespace}/virtualmachines/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'kubevirt.io', version: 'v1', kind: 'VirtualMachine' });
    assert.ok(patch.parameters.some((p: Json) => p.name === 'fieldValidation'));
    const schema = Object.values(doc.components.schemas as Json).find((x: Json) => x['x-kubernetes-group-version-kind']?.[0]?.kind === 'VirtualMachine') as Json;
    assert.ok(schema.properties.spec);
  });

  it('serves one object in every version of its kind', async () => {
    await s.request('POST', '/apis/nmstate.io/v1beta1/nodenetworkstates', { metadata: { name: 'node-a' } });
    const v1 = await s.request('GET', '/apis/nmstate.io/v1/nodenetworkstates/node-a');
    assert.equal(v1.status, 200);
    assert.equal((v1.json as Json).apiVersion, 'nmstate.io/v1');
    const b = await s.request('GET', '/apis/nmstate.io/v1beta1/nodenetworkstates/node-a');
    assert.equal((b.json as Json).apiVersion, 'nmstate.io/v1beta1');
  });

  it('Tables carry the kind\'s columns and the object metadata', async () => {
    await s.request('POST', '/apis/nmstate.io/v1/nodenetworkconfigurationpolicies', { metadata: { name: 'br0-policy' }, spec: { desiredState: { interfaces: [] } } });
    await s.request('PATCH', '/apis/nmstate.io/v1/nodenetworkconfigurationpolicies/br0-policy/status', { status: { conditions: [{ type: 'Available', status: 'True', reason: 'SuccessfullyConfigured', message: '2/2 nodes successfully configured', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }, { 'Content-Type': 'application/merge-patch+json' });
    const t = await s.request('GET', '/apis/nmstate.io/v1/nodenetworkconfigurationpolicies', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(t.headers['content-type'], 'application/json;as=Table;v=v1;g=meta.k8s.io');
    const table = t.json as Json;
    assert.deepEqual(table.columnDefinitions.map((c: Json) => c.name), ['Name', 'Status', 'Reason']);
    assert.deepEqual(table.rows[0].cells, ['br0-policy', 'Available', 'SuccessfullyConfigured']);
    assert.equal(table.rows[0].object.kind, 'PartialObjectMetadata');
  });

  it('watch: synthetic ADDED at RV 0, one-row Tables, selector transitions, 410 for a bad RV', async () => {
    await s.request('POST', '/api/v1/namespaces/rest/configmaps', { metadata: { name: 'w1', labels: { app: 'a' } } });
    const initial = await readEvents(s, '/api/v1/namespaces/rest/configmaps?watch=true&resourceVersion=0', 1);
    assert.equal(initial[0]!.type, 'ADDED');
    assert.equal(initial[0]!.object.metadata.name, 'w1');

    const list = await s.request('GET', '/api/v1/namespaces/rest/configmaps');
    const rv = (list.json as Json).metadata.resourceVersion as string;
    const evs = await readEvents(s, `/api/v1/namespaces/rest/configmaps?watch=true&resourceVersion=${rv}&labelSelector=app%3Da`, 2, 'application/json', async () => {
      await s.request('POST', '/api/v1/namespaces/rest/configmaps', { metadata: { name: 'other', labels: { app: 'b' } } });
      await s.request('PATCH', '/api/v1/namespaces/rest/configmaps/w1', { metadata: { labels: { app: 'gone' } } }, { 'Content-Type': 'application/merge-patch+json' });
      await s.request('PATCH', '/api/v1/namespaces/rest/configmaps/other', { metadata: { labels: { app: 'a' } } }, { 'Content-Type': 'application/merge-patch+json' });
    });
    assert.deepEqual(evs.map((e) => `${e.type} ${e.object.metadata.name}`), ['DELETED w1', 'ADDED other']);

    const tables = await readEvents(s, `/api/v1/namespaces/rest/configmaps?watch=true&resourceVersion=0`, 2, 'application/json;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(tables[0]!.object.kind, 'Table');
    assert.equal(tables[0]!.object.rows.length, 1);
    assert.ok(tables[0]!.object.columnDefinitions.length > 0);
    assert.equal(tables[1]!.object.columnDefinitions, undefined);

    const bad = await s.request('GET', '/api/v1/namespaces/rest/configmaps?watch=true&resourceVersion=abc');
    assert.equal(bad.status, 400);
  });

  it('field selectors: metadata.name, events involvedObject, unsupported fields', async () => {
    await s.request('POST', '/api/v1/namespaces/rest/events', { metadata: { name: 'ev1' }, involvedObject: { kind: 'ConfigMap', name: 'w1', namespace: 'rest' }, reason: 'Tested', message: 'hello', type: 'Normal' });
    await s.request('POST', '/api/v1/namespaces/rest/events', { metadata: { name: 'ev2' }, involvedObject: { kind: 'ConfigMap', name: 'other', namespace: 'rest' }, reason: 'Tested', message: 'hello', type: 'Normal' });
    const byObj = await s.request('GET', '/api/v1/namespaces/rest/events?fieldSelector=involvedObject.name%3Dw1%2CinvolvedObject.kind%3DConfigMap');
    assert.deepEqual((byObj.json as Json).items.map((i: Json) => i.metadata.name), ['ev1']);
    const byName = await s.request('GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Dother');
    assert.deepEqual((byName.json as Json).items.map((i: Json) => i.metadata.name), ['other']);
    const notName = await s.request('GET', '/api/v1/namespaces/rest/configmaps?fieldSelector=metadata.name!%3Dother');
    assert.deepEqual((notName.json as Json).items.map((i: Json) => i.metadata.name), ['w1']);
    const unsupported = await s.request('GET', '/api/v1/configmaps?fieldSelector=spec.nodeName%3Dx');
    assert.equal(unsupported.status, 400);
    assert.equal((unsupported.json as Json).message, 'field label not supported: spec.nodeName');
  });

  it('resourceVersion is global and increasing; generation counts spec changes only', async () => {
    const a = (await s.request('POST', '/apis/kubevirt.io/v1/namespaces/rest/virtualmachines', { metadata: { name: 'g1' }, spec: { runStrategy: 'Halted', template: { spec: { domain: { devices: {} } } } } })).json as Json;
    const b = (await s.request('POST', '/api/v1/namespaces/rest/configmaps', { metadata: { name: 'g2' } })).json as Json;
    assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
    assert.equal(a.metadata.generation, 1);
    const l = (await s.request('PATCH', '/apis/kubevirt.io/v1/namespaces/rest/virtualmachines/g1', { metadata: { labels: { x: 'y' } } }, { 'Content-Type': 'application/merge-patch+json' })).json as Json;
    assert.equal(l.metadata.generation, 1);
    const sp = (await s.request('PATCH', '/apis/kubevirt.io/v1/namespaces/rest/virtualmachines/g1', { spec: { runStrategy: 'Always' } }, { 'Content-Type': 'application/merge-patch+json' })).json as Json;
    assert.equal(sp.metadata.generation, 2);
    const same = (await s.request('PATCH', '/apis/kubevirt.io/v1/namespaces/rest/virtualmachines/g1', { spec: { runStrategy: 'Always' } }, { 'Content-Type': 'application/merge-patch+json' })).json as Json;
    assert.equal(same.metadata.resourceVersion, sp.metadata.resourceVersion, 'a no-op patch writes nothing');
    const stale = await s.request('PATCH', '/apis/kubevirt.io/v1/namespaces/rest/virtualmachines/g1', { metadata: { resourceVersion: a.metadata.resourceVersion }, spec: { runStrategy: 'Halted' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(stale.status, 409);
    assert.equal((stale.json as Json).reason, 'Conflict');
  });
});
