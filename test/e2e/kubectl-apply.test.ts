// The real kubectl drives virtnet: apply (client- and server-side), get, describe, patch, label, edit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { ServerProcess } from '../support/server-process.js';

const NAD = `apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: flatnetwork
  namespace: team-a
spec:
  config: '{"cniVersion":"0.3.1","name":"flatnetwork","type":"bridge","bridge":"br-flat"}'
`;

describe('kubectl against virtnet', () => {
  let s: ServerProcess;
  before(async () => {
    s = await ServerProcess.start();
    s.kubectlOk(['create', 'namespace', 'team-a']);
  });
  after(async () => {
    await s.stop();
  });

  it('apply creates, then updates, then reports unchanged', () => {
    const cm = (v: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team-a\ndata:\n  mode: "${v}"\n`;
    const f = s.writeFile('cm.yaml', cm('one'));
    assert.match(s.kubectlOk(['apply', '-f', f]), /configmap\/settings created/);
    assert.match(s.kubectlOk(['apply', '-f', f]), /configmap\/settings unchanged/);
    s.writeFile('cm.yaml', cm('two'));
    assert.match(s.kubectlOk(['apply', '-f', f]), /configmap\/settings configured/);
    assert.equal(s.kubectlOk(['get', 'cm', 'settings', '-n', 'team-a', '-o', 'jsonpath={.data.mode}']), 'two');
    const nadFile = s.writeFile('nad.yaml', NAD);
    assert.match(s.kubectlOk(['apply', '-f', nadFile]), /networkattachmentdefinition.k8s.cni.cncf.io\/flatnetwork created/);
    assert.match(s.kubectlOk(['apply', '-f', nadFile]), /unchanged/);
  });

  it('apply --server-side creates, updates, conflicts with another manager, and forces', () => {
    const cm = (v: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: team-a\ndata:\n  key: "${v}"\n`;
    const f = s.writeFile('ssa.yaml', cm('a'));
    assert.match(s.kubectlOk(['apply', '--server-side', '-f', f]), /configmap\/ssa serverside-applied/);
    s.writeFile('ssa.yaml', cm('b'));
    assert.match(s.kubectlOk(['apply', '--server-side', '-f', f]), /serverside-applied/);
    assert.equal(s.kubectlOk(['get', 'cm', 'ssa', '-n', 'team-a', '-o', 'jsonpath={.data.key}']), 'b');
    s.writeFile('ssa.yaml', cm('c'));
    const r = s.kubectl(['apply', '--server-side', '--field-manager', 'other', '-f', f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.key/);
    assert.equal(s.kubectlOk(['get', 'cm', 'ssa', '-n', 'team-a', '-o', 'jsonpath={.data.key}']), 'b');
    assert.match(s.kubectlOk(['apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', f]), /serverside-applied/);
    assert.equal(s.kubectlOk(['get', 'cm', 'ssa', '-n', 'team-a', '-o', 'jsonpath={.data.key}']), 'c');
    const mf = JSON.parse(s.kubectlOk(['get', 'cm', 'ssa', '-n', 'team-a', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: { manager: string }[] } };
    assert.ok(mf.metadata.managedFields.some((m) => m.manager === 'other'));
  });

  it('server-side apply conflicts with a client-side apply manager', () => {
    const f = s.writeFile('csa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: csa\n  namespace: team-a\ndata:\n  x: "1"\n');
    s.kubectlOk(['apply', '-f', f]);
    s.writeFile('csa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: csa\n  namespace: team-a\ndata:\n  x: "2"\n');
    const r = s.kubectl(['apply', '--server-side', '--field-manager', 'ssa-user', '-f', f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /conflict with "kubectl-client-side-apply" using v1: \.data\.x/);
  });

  it('client-side apply then server-side apply migrates the manager cleanly (CRD kind)', () => {
    const vm = 'apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: migrated\n  namespace: team-a\nspec:\n  runStrategy: Halted\n  template:\n    spec:\n      domain:\n        devices: {}\n';
    const f = s.writeFile('migrate.yaml', vm);
    s.kubectlOk(['apply', '-f', f]);
    const r = s.kubectl(['apply', '--server-side', '-f', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Warning|invalid/);
    assert.match(s.kubectlOk(['apply', '--server-side', '--dry-run=server', '-f', f]), /serverside-applied \(server dry run\)/);
    assert.equal(s.kubectlOk(['get', 'vm', 'migrated', '-n', 'team-a', '-o', 'jsonpath={.spec.runStrategy}']), 'Halted');
  });

  it('get prints the kind\'s columns, wide, yaml, json, name, -A and -l', () => {
    s.kubectlOk(['create', 'namespace', 'team-b']);
    s.kubectlOk(['-n', 'team-b', 'create', 'configmap', 'labelled', '--from-literal=a=1', '--from-literal=b=2']);
    s.kubectlOk(['-n', 'team-b', 'label', 'configmap', 'labelled', 'tier=backend']);
    const table = s.kubectlOk(['get', 'cm', '-n', 'team-b']);
    assert.match(table, /^NAME\s+DATA\s+AGE\n/);
    assert.match(table, /labelled\s+2\s+\d+s/);
    assert.match(s.kubectlOk(['get', 'net-attach-def', '-n', 'team-a']), /^NAME\s+AGE\nflatnetwork\s+\d+s/);
    assert.match(s.kubectlOk(['get', 'cm', '-A']), /^NAMESPACE\s+NAME\s+DATA\s+AGE\n[\s\S]*team-b\s+labelled\s+2/);
    assert.equal(s.kubectlOk(['get', 'cm', '-A', '-l', 'tier=backend', '-o', 'name']), 'configmap/labelled\n');
    assert.equal(s.kubectlOk(['get', 'cm', '-A', '-l', 'tier!=backend,tier', '-o', 'name']), '');
    assert.equal(s.kubectlOk(['get', 'cm', '-A', '-l', 'tier in (frontend,backend)', '-o', 'name']), 'configmap/labelled\n');
    const y = s.kubectlOk(['get', 'cm', 'labelled', '-n', 'team-b', '-o', 'yaml']);
    assert.match(y, /^apiVersion: v1\n/);
    assert.match(y, /tier: backend/);
    assert.match(y, /resourceVersion: "\d+"/);
    assert.match(y, /uid: [0-9a-f-]{36}/);
    const j = JSON.parse(s.kubectlOk(['get', 'cm', 'labelled', '-n', 'team-b', '-o', 'json'])) as { data: Record<string, string> };
    assert.deepEqual(j.data, { a: '1', b: '2' });
    const nodeYaml = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: worker-0\n  labels:\n    node-role.kubernetes.io/worker: ""\n';
    s.kubectlOk(['apply', '-f', s.writeFile('node.yaml', nodeYaml)]);
    const wide = s.kubectlOk(['get', 'nodes', '-o', 'wide']);
    assert.match(wide, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP/);
    assert.match(wide, /worker-0\s+\S+\s+worker/);
    assert.match(s.kubectlOk(['get', 'ns']), /^NAME\s+STATUS\s+AGE\n[\s\S]*team-b\s+Active/);
  });

  it('describe shows the object', () => {
    const d = s.kubectlOk(['describe', 'cm', 'labelled', '-n', 'team-b']);
    assert.match(d, /Name:\s+labelled/);
    assert.match(d, /Namespace:\s+team-b/);
    assert.match(d, /tier=backend/);
    const nad = s.kubectlOk(['describe', 'net-attach-def', 'flatnetwork', '-n', 'team-a']);
    assert.match(nad, /Name:\s+flatnetwork/);
    assert.match(nad, /br-flat/);
  });

  it('label, annotate and patch (merge, json, strategic)', () => {
    s.kubectlOk(['-n', 'team-b', 'annotate', 'cm', 'labelled', 'owner=ops']);
    s.kubectlOk(['-n', 'team-b', 'label', 'cm', 'labelled', 'tier-']);
    const m1 = JSON.parse(s.kubectlOk(['-n', 'team-b', 'get', 'cm', 'labelled', '-o', 'json'])) as { metadata: { labels?: Record<string, string>; annotations: Record<string, string> } };
    assert.equal(m1.metadata.annotations.owner, 'ops');
    assert.equal(m1.metadata.labels?.tier, undefined);
    s.kubectlOk(['-n', 'team-b', 'patch', 'cm', 'labelled', '--type', 'merge', '-p', '{"data":{"c":"3","a":null}}']);
    s.kubectlOk(['-n', 'team-b', 'patch', 'cm', 'labelled', '--type', 'json', '-p', '[{"op":"replace","path":"/data/b","value":"22"}]']);
    s.kubectlOk(['-n', 'team-b', 'patch', 'cm', 'labelled', '-p', '{"data":{"d":"4"}}']);
    const m2 = JSON.parse(s.kubectlOk(['-n', 'team-b', 'get', 'cm', 'labelled', '-o', 'json'])) as { data: Record<string, string> };
    assert.deepEqual(m2.data, { b: '22', c: '3', d: '4' });
    const bad = s.kubectl(['-n', 'team-a', 'patch', 'net-attach-def', 'flatnetwork', '--type', 'strategic', '-p', '{"spec":{"config":"x"}}']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /UnsupportedMediaType|unknown format/);
    s.kubectlOk(['-n', 'team-a', 'patch', 'net-attach-def', 'flatnetwork', '--type', 'merge', '-p', '{"metadata":{"labels":{"net":"flat"}}}']);
    assert.equal(s.kubectlOk(['-n', 'team-a', 'get', 'net-attach-def', '-l', 'net=flat', '-o', 'name']), 'networkattachmentdefinition.k8s.cni.cncf.io/flatnetwork\n');
  });

  it('edit goes through $EDITOR', () => {
    const editor = s.writeFile('editor.sh', '#!/bin/sh\nsed -i \'s/^  d: "4"/  d: "edited"/\' "$1"\n');
    chmodSync(editor, 0o755);
    assert.match(s.kubectlOk(['-n', 'team-b', 'edit', 'cm', 'labelled'], { env: { EDITOR: editor, KUBE_EDITOR: editor } }), /configmap\/labelled edited/);
    assert.equal(s.kubectlOk(['-n', 'team-b', 'get', 'cm', 'labelled', '-o', 'jsonpath={.data.d}']), 'edited');
  });

  it('--dry-run=server validates but stores nothing', () => {
    const f = s.writeFile('dry.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n  namespace: team-a\ndata:\n  k: v\n');
    assert.match(s.kubectlOk(['apply', '--dry-run=server', '-f', f]), /configmap\/dry created \(server dry run\)/);
    const r = s.kubectl(['get', 'cm', 'dry', '-n', 'team-a']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /configmaps "dry" not found/);
    assert.match(s.kubectlOk(['delete', 'cm', 'settings', '-n', 'team-a', '--dry-run=server']), /deleted \(server dry run\)/);
    s.kubectlOk(['get', 'cm', 'settings', '-n', 'team-a']);
  });

  it('explain reads the OpenAPI schema', () => {
    const e = s.kubectlOk(['explain', 'virtualmachines.spec']);
    assert.match(e, /GROUP:\s+kubevirt.io/);
    assert.match(e, /KIND:\s+VirtualMachine/);
    assert.match(e, /runStrategy/);
    const n = s.kubectlOk(['explain', 'nncp.spec']);
    assert.match(n, /desiredState/);
  });
});
