// One node's interfaces drawn as SVG: bridges and bonds as boxes above the ports they hold, joined by
// lines; NICs below; addresses as text. The layout is models/nns-topology.ts.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { layoutTopology, type TopologyBox } from '../../models/nns-topology';
import type { NnsInterface } from '../../models/nns-interfaces';

const FILL: Record<TopologyBox['kind'], string> = {
  bridge: 'var(--pf-t--global--color--nonstatus--blue--default, #b9dafc)',
  bond: 'var(--pf-t--global--color--nonstatus--purple--default, #d2c9f3)',
  nic: 'var(--pf-t--global--background--color--secondary--default, #f2f2f2)',
};

export function NNSTopology({ node, interfaces }: { node: string; interfaces: NnsInterface[] }): ReactNode {
  const { t } = useTranslation();
  const topo = layoutTopology(interfaces);
  if (topo.boxes.length === 0) return <p>{t('No interfaces')}</p>;
  return (
    <div style={{ overflowX: 'auto' }}>
      <svg role="img" aria-label={t('Topology of node {{node}}', { node })} data-test={`topology-${node}`}
        width={topo.width} height={topo.height} viewBox={`0 0 ${topo.width} ${topo.height}`}
        style={{ fontFamily: 'var(--pf-t--global--font--family--body)', fontSize: 12 }}>
        {topo.links.map((l) => (
          <line key={`${l.from}>${l.to}`} data-test="topology-link" data-from={l.from} data-to={l.to}
            x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} stroke="var(--pf-t--global--border--color--default, #8a8d90)" strokeWidth={2}>
            <title>{`${l.from} — ${l.to}`}</title>
          </line>
        ))}
        {topo.boxes.map((b) => (
          <g key={b.name} data-test="topology-box" data-name={b.name} data-kind={b.kind}>
            <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={b.kind === 'nic' ? 3 : 8}
              fill={FILL[b.kind]} stroke={b.state === 'up' ? '#3e8635' : '#8a8d90'} strokeWidth={b.kind === 'nic' ? 1 : 2}
              strokeDasharray={b.missing ? '4 3' : undefined} />
            <text x={b.x + 8} y={b.y + 17} fontWeight={600}>{b.name}</text>
            <text x={b.x + 8} y={b.y + 33} fill="#6a6e73">{`${b.type} · ${b.state}`}</text>
            {b.ips.map((ip, i) => <text key={ip} x={b.x + 8} y={b.y + 49 + 16 * i}>{ip}</text>)}
          </g>
        ))}
      </svg>
    </div>
  );
}
