// Ready / NotReady with its icon, and a node's labels as chips, as the Nodes list shows them.
import type { ReactNode } from 'react';
import { Icon, Label, LabelGroup } from '@patternfly/react-core';
import { CheckCircleIcon, ExclamationCircleIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import { nodeStatus, type NodeLike } from '../../models/node-summary';
import { formatLabel } from '../../models/node-labels';

export function NodeStatus({ node }: { node: NodeLike }): ReactNode {
  // kubectl's words, untranslated as in the OpenShift console
  const status = nodeStatus(node);
  const ready = status === 'Ready';
  return (
    <span data-test="node-status">
      {ready ? <Icon status="success"><CheckCircleIcon /></Icon> : <Icon status="danger"><ExclamationCircleIcon /></Icon>}{' '}
      {status}
    </span>
  );
}

export function LabelList({ labels, max = 3 }: { labels: Record<string, string> | undefined; max?: number }): ReactNode {
  const { t } = useTranslation();
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return <span>{t('No labels')}</span>;
  // PatternFly fills in ${remaining} itself
  return (
    <LabelGroup numLabels={max} aria-label={t('Labels')}
      expandedText={t('Show less')} collapsedText={t('{{remaining}} more', { remaining: '${remaining}' })}>
      {entries.map(([k, v]) => <Label key={k} color="blue" variant="outline" isCompact>{formatLabel(k, v)}</Label>)}
    </LabelGroup>
  );
}
