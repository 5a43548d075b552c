// The scale-out control plane as data: etcd members, API servers and haproxy's configuration, and the
// flags that choose it. Pure: no process is started here (test/lab/etcd-guide.test.ts runs it for real).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planLab } from '../../src/lab/index.js';
import { agentArgv } from '../../src/lab/agents.js';
import { parseHaproxyStat, planControlPlane, renderHaproxyConfig } from '../../src/lab/control-plane-plan.js';
import { scaleOutFromFlags } from '../../src/cli/lab.js';

const lab = planLab({ id: 't1', workers: 2, baremetal: 0, dataDir: '/var/lib/vn' });
const input = {
  apiServers: 2, etcdMembers: 3, etcdPorts: [2001, 2002, 2003, 2004, 2005, 2006], listenHost: '127.0.0.1', listenPort: 6443,
  virtnetBin: '/opt/virtnet/bin/virtnet.js', nodePath: '/usr/bin/node',
};

describe('planControlPlane', () => {
  const cp = planControlPlane(lab, input);

  it('plans one etcd cluster whose members all know each other, data and logs under the lab prefix', () => {
    assert.deepEqual(cp.etcd.map((m) => [m.name, m.clientUrl, m.dataDir]), [
      ['vn-t1-m0', 'http://127.0.0.1:2001', '/var/lib/vn/vn-t1-etcd/m0'],
      ['vn-t1-m1', 'http://127.0.0.1:2003', '/var/lib/vn/vn-t1-etcd/m1'],
      ['vn-t1-m2', 'http://127.0.0.1:2005', '/var/lib/vn/vn-t1-etcd/m2'],
    ]);
    for (const m of cp.etcd) {
      const a = m.argv;
      assert.equal(a[a.indexOf('--initial-cluster') + 1], 'vn-t1-m0=http://127.0.0.1:2002,vn-t1-m1=http://127.0.0.1:2004,vn-t1-m2=http://127.0.0.1:2006');
    }
  });

  it('plans the API servers on that etcd, on consecutive ports, the first keeping DATA/api.sock and DATA/kubeconfig', () => {
    assert.deepEqual(cp.servers.map((s) => [s.index, s.socket, s.kubeconfig]), [
      [1, '/var/lib/vn/api.sock', '/var/lib/vn/kubeconfig'],
      [2, '/var/lib/vn/vn-t1-api-2.sock', '/var/lib/vn/vn-t1-api-2.kubeconfig'],
    ]);
    const [a1, a2] = [cp.servers[0]!.argv, cp.servers[1]!.argv];
    assert.equal(a1[a1.indexOf('--store') + 1], 'etcd:http://127.0.0.1:2001,http://127.0.0.1:2003,http://127.0.0.1:2005');
    assert.equal(a1[a1.indexOf('--listen') + 1], '127.0.0.1:6443');
    assert.equal(a2[a2.indexOf('--listen') + 1], '127.0.0.1:6444');
    // The serving certificate must cover the balancer's address, which the agents dial.
    assert.equal(a2[a2.indexOf('--tls-san') + 1], '10.89.1.10');
    // Teardown finds a server by its pid file's name, even without the state file.
    assert.ok(a2.includes('--pid-file=/var/lib/vn/vn-t1-api-2.pid'));
    assert.notEqual(a1[a1.indexOf('--audit-dir') + 1], a2[a2.indexOf('--audit-dir') + 1], 'each server its own audit log');
  });

  it('port 0 lets every server pick a free port', () => {
    const p = planControlPlane(lab, { ...input, listenPort: 0 });
    assert.deepEqual(p.servers.map((s) => s.argv[s.argv.indexOf('--listen') + 1]), ['127.0.0.1:0', '127.0.0.1:0']);
  });

  it('puts haproxy in the control-plane namespace on the control-plane address, one server per API server socket', () => {
    assert.equal(cp.lb.netns, 'vn-t1-control-plane');
    assert.equal(cp.serverUrl, 'https://10.89.1.10:6443');
    assert.match(cp.lb.config, /^ {2}bind 10\.89\.1\.10:6443$/m);
    assert.match(cp.lb.config, /^ {2}server api-1 unix@\/var\/lib\/vn\/api\.sock$/m);
    assert.match(cp.lb.config, /^ {2}server api-2 unix@\/var\/lib\/vn\/vn-t1-api-2\.sock$/m);
    assert.match(cp.lb.config, /on-marked-down shutdown-sessions/);
    for (const f of cp.files) assert.ok(f.split('/').pop()!.startsWith('vn-t1-'), `${f} carries the lab prefix`);
  });

  it('refuses too few ports', () => {
    assert.throws(() => planControlPlane(lab, { ...input, etcdPorts: [1, 2] }), /need 6 etcd ports/);
  });
});

describe('agents in scale-out mode', () => {
  it('reach the API by URL with the node token and the CA, never by the unix socket', () => {
    const argv = agentArgv(lab, lab.nodes[0]!, '/opt/virtnet/bin/virtnet.js', '/usr/bin/node', { mode: 'host', server: 'https://10.89.1.10:6443', ca: '/var/lib/vn/pki/ca.crt' });
    assert.equal(argv[argv.indexOf('--server') + 1], 'https://10.89.1.10:6443');
    assert.equal(argv[argv.indexOf('--token-file') + 1], '/var/lib/vn/nodes/worker-0.token');
    assert.ok(!argv.includes('--kubeconfig') && !argv.includes('--socket'));
    assert.deepEqual(argv.slice(0, 5), ['nice', '-n', '10', 'nsenter', `--net=/run/netns/${lab.nodes[0]!.netns}`], 'below the control plane, in the node\'s namespace');
    const local = agentArgv(lab, lab.nodes[0]!, '/opt/virtnet/bin/virtnet.js', '/usr/bin/node');
    assert.equal(local[0], 'nsenter');
    assert.equal(local[local.indexOf('--kubeconfig') + 1], '/var/lib/vn/nodes/worker-0.kubeconfig');
  });
});

describe('parseHaproxyStat', () => {
  it('reads each server\'s status of one backend', () => {
    const csv = [
      '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight',
      'api,FRONTEND,,,0,1,4096,3,0,0,0,0,0,,,,,OPEN,',
      'apiservers,api-1,0,0,0,1,,2,0,0,,0,,0,0,0,0,UP,1',
      'apiservers,api-2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1',
      'apiservers,BACKEND,0,0,0,1,410,2,0,0,0,0,,0,0,0,0,UP,1',
      '',
    ].join('\n');
    assert.deepEqual([...parseHaproxyStat(csv, 'apiservers')], [['api-1', 'UP'], ['api-2', 'DOWN']]);
    assert.deepEqual([...parseHaproxyStat('', 'apiservers')], []);
  });
  it('renders a stats socket the lab can ask', () => {
    assert.match(renderHaproxyConfig('10.0.0.1:6443', [], '/p.pid', '/s.sock'), /stats socket \/s\.sock mode 600 level user/);
  });
});

describe('scaleOutFromFlags', () => {
  const flags = { store: 'sqlite', apiServers: 1, etcdMembers: 3, listen: '127.0.0.1:6443' };
  const cases: { name: string; o: typeof flags; want: RegExp | { apiServers: number } | undefined }[] = [
    { name: 'sqlite: the running server', o: flags, want: undefined },
    { name: 'etcd with 2 servers', o: { ...flags, store: 'etcd', apiServers: 2 }, want: { apiServers: 2 } },
    { name: 'two servers on SQLite', o: { ...flags, apiServers: 2 }, want: /needs --store etcd/ },
    { name: 'an even etcd', o: { ...flags, store: 'etcd', etcdMembers: 2 }, want: /must be odd/ },
    { name: 'no server', o: { ...flags, store: 'etcd', apiServers: 0 }, want: /at least 1/ },
    { name: 'an unknown store', o: { ...flags, store: 'postgres' }, want: /want sqlite or etcd/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.want instanceof RegExp) assert.throws(() => scaleOutFromFlags(c.o), c.want);
      else if (c.want === undefined) assert.equal(scaleOutFromFlags(c.o), undefined);
      else assert.equal(scaleOutFromFlags(c.o)?.apiServers, c.want.apiServers);
    });
  }
});
