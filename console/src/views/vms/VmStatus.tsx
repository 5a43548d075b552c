// The VM's printableStatus with the icon the OpenShift console shows for it.
import type { ReactNode } from 'react';
import { Icon, Flex, FlexItem } from '@patternfly/react-core';
import { CheckCircleIcon, ExclamationCircleIcon, InProgressIcon, OffIcon, SyncAltIcon } from '@patternfly/react-icons';

export function VmStatus({ status }: { status: string | undefined }): ReactNode {
  const s = status ?? 'Unknown';
  let icon: ReactNode;
  if (s === 'Running') icon = <Icon status="success"><CheckCircleIcon /></Icon>;
  else if (s === 'Stopped') icon = <Icon><OffIcon /></Icon>;
  else if (s === 'Migrating') icon = <Icon status="info"><SyncAltIcon /></Icon>;
  else if (s.startsWith('Error') || s === 'CrashLoopBackOff' || s === 'Unknown') icon = <Icon status="danger"><ExclamationCircleIcon /></Icon>;
  else icon = <Icon status="info"><InProgressIcon /></Icon>;
  return (
    <Flex spaceItems={{ default: 'spaceItemsSm' }} flexWrap={{ default: 'nowrap' }} display={{ default: 'inlineFlex' }} data-test="vm-status">
      <FlexItem>{icon}</FlexItem>
      <FlexItem>{s}</FlexItem>
    </Flex>
  );
}
