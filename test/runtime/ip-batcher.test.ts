// The netns runtime's ip batcher on the real kernel: concurrent requests for one namespace share batches,
// and each request gets its own lines' outcome.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { run, runJson } from '../../src/agent/netns.js';
import { IpBatcher } from '../../src/runtime/netns/ip-batcher.js';
import { destroyRun, isRoot, newRunId } from './test-network.js';

const RUN = newRunId();
const NS = `${RUN}-batch`;
const skip = isRoot ? false : 'needs root (network namespaces)';

before(async () => { if (isRoot) await run('ip', ['netns', 'add', NS]); });
after(async () => { if (isRoot) await destroyRun(RUN); });

test('each request gets the outcome of its own lines; ignored errors are success', { skip }, async () => {
  const ip = new IpBatcher();
  const results = await Promise.allSettled([
    ip.run(NS, [`link add ${RUN}a type bridge`]),
    ip.run(NS, [`link add ${RUN}b type bridge`, `link add ${RUN}a type bridge`]), // a exists by now
    ip.run(NS, [`link add ${RUN}c type bridge`]),
    ip.run(NS, [`link del ${RUN}zz`], { ignore: /^Cannot find device/ }),
    ip.run(NS, [`link del ${RUN}zz`]),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
  const second = results[1];
  assert.ok(second?.status === 'rejected');
  assert.match(String(second.reason), new RegExp(`link add ${RUN}a type bridge: RTNETLINK answers: File exists`));
  const links = await runJson<{ ifname: string }[]>('ip', ['link', 'show', 'type', 'bridge'], { netns: NS });
  assert.deepEqual(links.map((l) => l.ifname).sort(), [`${RUN}a`, `${RUN}b`, `${RUN}c`]);
});
