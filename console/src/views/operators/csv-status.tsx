// A CSV's phase with its icon (Installed Operators, install progress).
import type { ReactNode } from 'react';
import { Icon, Spinner } from '@patternfly/react-core';
import { CheckCircleIcon, ExclamationCircleIcon, UnknownIcon } from '@patternfly/react-icons';
import { csvSummary, type CsvLike } from '../../models/operator-csv';

export function CsvStatus({ csv }: { csv: CsvLike }): ReactNode {
  const s = csvSummary(csv);
  const icon = s.health === 'success' ? <Icon status="success"><CheckCircleIcon /></Icon>
    : s.health === 'danger' ? <Icon status="danger"><ExclamationCircleIcon /></Icon>
      : s.health === 'progress' ? <Spinner size="sm" aria-hidden /> : <Icon><UnknownIcon /></Icon>;
  return <span data-test="csv-status" title={s.message}>{icon} {s.phase}</span>;
}
