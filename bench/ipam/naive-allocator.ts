// The baseline: client-side IPAM the way whereabouts does it (k8snetworkplumbingwg/whereabouts
// pkg/storage/kubernetes/ipam.go: one IPPool object per range holding every allocation; each client reads
// it, takes the first free address, writes it back with the read resourceVersion and starts over on a
// 409). The pool object here is a ConfigMap (offset → owner), since virtnet serves no whereabouts CRD;
// the result is then recorded in an IPAMClaim like the controller's, so both paths end in the same objects.
import { ApiError, isConflict, type ApiClient, type ResourceRef } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { formatIp, parseCidr } from '../../src/controllers/ipam/ip-address.js';
import { RESERVED_LEADING } from '../../src/controllers/ipam/subnet-range.js';

const CONFIG_MAP: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

export class NaiveAllocator {
  conflicts = 0;
  /** Requests lost in transport (the PUT may or may not have landed: the next read tells). */
  transportRetries = 0;
  private readonly base: bigint;
  private readonly prefix: number;
  private readonly size: number;

  constructor(private readonly client: ApiClient, private readonly namespace: string, private readonly pool: string, subnet: string) {
    const c = parseCidr(subnet);
    if (!c || c.family !== 4) throw new Error(`${subnet}: an IPv4 CIDR please`);
    this.base = c.base;
    this.prefix = c.prefix;
    this.size = 2 ** (32 - c.prefix);
  }

  async createPool(): Promise<void> {
    await this.client.create(CONFIG_MAP, this.namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: this.pool }, data: {} });
  }

  private address(off: number): string {
    return `${formatIp(4, this.base + BigInt(off))}/${this.prefix}`;
  }

  /** Reserves the first free address for `owner` in the pool object; retries on every lost race. */
  async allocate(owner: string): Promise<string> {
    for (;;) {
      let pool: KubeObject & { data?: Record<string, string> };
      try {
        pool = await this.client.get(CONFIG_MAP, this.namespace, this.pool);
      } catch (e) {
        if (e instanceof ApiError && e.code === 0) {
          this.transportRetries++;
          continue;
        }
        throw e;
      }
      const data = pool.data ?? {};
      // Like whereabouts, an allocation the owner already has is returned (a retried PUT that had landed).
      const mine = Object.entries(data).find(([, o]) => o === owner);
      if (mine) return this.address(Number(mine[0]));
      let off = RESERVED_LEADING;
      while (off < this.size - 1 && data[String(off)] !== undefined) off++;
      if (off >= this.size - 1) throw new Error(`failed to allocate IP for ${owner}: range is full`);
      try {
        await this.client.replace(CONFIG_MAP, this.namespace, this.pool, { ...pool, data: { ...data, [String(off)]: owner } });
        return this.address(off);
      } catch (e) {
        if (e instanceof ApiError && e.code === 0) this.transportRetries++;
        else if (isConflict(e)) this.conflicts++;
        else throw e;
      }
    }
  }
}
