// The NetworkCreated (or older NetworkReady) condition as a label; its message on hover.
import type { ReactNode } from 'react';
import { Label, Tooltip } from '@patternfly/react-core';
import { CheckCircleIcon, ExclamationCircleIcon, InProgressIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import type { UdnSummary } from '../../../models/udn-summary';

export function ConditionLabel({ condition }: { condition: UdnSummary['condition'] }): ReactNode {
  const { t } = useTranslation();
  if (!condition) return <Label isCompact icon={<InProgressIcon />}>{t('Pending')}</Label>;
  const ok = condition.status === 'True';
  const label = (
    <Label isCompact color={ok ? 'green' : 'red'} icon={ok ? <CheckCircleIcon /> : <ExclamationCircleIcon />} data-test="udn-condition">
      {condition.type}{ok ? '' : `: ${condition.reason ?? condition.status}`}
    </Label>
  );
  return condition.message ? <Tooltip content={condition.message}>{label}</Tooltip> : label;
}
