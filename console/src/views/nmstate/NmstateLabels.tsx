// Status labels of policies and enactments, the per-state enactment counts with a popover per state,
// and the near-miss hint for a nodeSelector.
import type { ReactNode } from 'react';
import { Alert, Button, Label, LabelGroup, Popover, Stack, StackItem } from '@patternfly/react-core';
import { CheckCircleIcon, ExclamationCircleIcon, InProgressIcon, BanIcon, HourglassHalfIcon, UnknownIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { tKey } from '../../i18n';
import type { K8sObject } from '../../api/types';
import { enactmentState, enactmentSummary, nodeOfEnactment, type EnactmentState, type PolicyState } from '../../models/nncp-status';
import { nearMisses, type NearMiss, type NodeLabels } from '../../models/nncp-near-miss';

const STATE_TEXT: Record<PolicyState | EnactmentState, string> = {
  Available: tKey('Available'),
  Degraded: tKey('Degraded'),
  Progressing: tKey('Progressing'),
  Ignored: tKey('Ignored'),
  Failing: tKey('Failing'),
  Pending: tKey('Pending'),
  Aborted: tKey('Aborted'),
  Unknown: tKey('Unknown'),
};

function look(state: PolicyState | EnactmentState): { color: 'green' | 'red' | 'blue' | 'grey' | 'orange'; icon: ReactNode } {
  switch (state) {
    case 'Available': return { color: 'green', icon: <CheckCircleIcon /> };
    case 'Degraded': case 'Failing': return { color: 'red', icon: <ExclamationCircleIcon /> };
    case 'Progressing': return { color: 'blue', icon: <InProgressIcon /> };
    case 'Pending': return { color: 'orange', icon: <HourglassHalfIcon /> };
    case 'Ignored': case 'Aborted': return { color: 'grey', icon: <BanIcon /> };
    default: return { color: 'grey', icon: <UnknownIcon /> };
  }
}

/** "Ignored" with its reason underneath, e.g. NoMatchingNode. */
export function StateLabel({ state, reason, testId }: { state: PolicyState | EnactmentState; reason?: string | undefined; testId?: string }): ReactNode {
  const { t } = useTranslation();
  const l = look(state);
  return (
    <span data-test={testId}>
      <Label color={l.color} icon={l.icon} isCompact>{t(STATE_TEXT[state])}</Label>
      {reason && <div style={{ fontSize: 'var(--pf-t--global--font--size--sm)', color: 'var(--pf-t--global--text--color--subtle)' }} data-test="state-reason">{reason}</div>}
    </span>
  );
}

/** "2 Available", "1 Failing" …, each opening a popover with every node's state and message. */
export function EnactmentStates({ nnces }: { nnces: K8sObject[] }): ReactNode {
  const { t } = useTranslation();
  const groups = enactmentSummary(nnces);
  if (groups.length === 0) return <span style={{ color: 'var(--pf-t--global--text--color--subtle)' }}>{t('No enactments')}</span>;
  return (
    <LabelGroup>
      {groups.map((g) => (
        <Popover
          key={g.state}
          headerContent={t('Enactments: {{state}}', { state: t(STATE_TEXT[g.state]) })}
          bodyContent={(
            <Stack hasGutter>
              {g.items.map((e) => {
                const s = enactmentState(e);
                return (
                  <StackItem key={e.metadata.name}>
                    <strong>{nodeOfEnactment(e)}</strong>{s.reason ? ` — ${s.reason}` : ''}
                    {s.message && <div style={{ fontSize: 'var(--pf-t--global--font--size--sm)' }}>{s.message}</div>}
                  </StackItem>
                );
              })}
            </Stack>
          )}
        >
          <Button variant="link" isInline data-test={`enactments-${g.state}`}>
            <Label color={look(g.state).color} icon={look(g.state).icon} isCompact>{`${g.items.length} ${t(STATE_TEXT[g.state])}`}</Label>
          </Button>
        </Popover>
      ))}
    </LabelGroup>
  );
}

export function nearMissText(t: TFunction, m: NearMiss): string {
  if (m.kind === 'absent') return t('No node has a label {{key}}', { key: m.selectorKey });
  const label = `${m.labelKey}=${m.labelValue}`;
  const wanted = m.kind === 'value' ? m.selectorValue : m.selectorKey;
  return m.nodes.length === 1
    ? t('Node {{node}} has {{label}}, which is close to {{wanted}}', { node: m.nodes[0], label, wanted })
    : t('{{n}} nodes have {{label}}, which is close to {{wanted}}', { n: m.nodes.length, label, wanted });
}

/** The labels close to the selector, on the nodes it misses; nothing when there is nothing close. */
export function NearMissAlert({ selector, nodes, matched, compact = false }: { selector: Record<string, string> | undefined; nodes: NodeLabels[]; matched: number; compact?: boolean }): ReactNode {
  const { t } = useTranslation();
  const misses = nearMisses(selector, nodes);
  if (misses.length === 0) return null;
  const title = matched === 0 ? t('No node matches the node selector') : t('Some nodes may be missed by the node selector');
  return (
    <Alert variant="warning" isInline isPlain={compact} title={compact ? nearMissText(t, misses[0]!) : title} data-test="near-miss">
      {!compact && <ul>{misses.map((m) => <li key={`${m.kind}${m.labelKey}${m.labelValue}`}>{nearMissText(t, m)}</li>)}</ul>}
      {compact && misses.length > 1 && <ul>{misses.slice(1).map((m) => <li key={`${m.kind}${m.labelKey}${m.labelValue}`}>{nearMissText(t, m)}</li>)}</ul>}
    </Alert>
  );
}

export function nodeLabelsOf(nodes: K8sObject[]): NodeLabels[] {
  return nodes.map((n) => ({ name: n.metadata.name, labels: n.metadata.labels ?? {} }));
}
