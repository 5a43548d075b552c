// Configuration → Network: the VM template's NICs, "Add network interface", and delete per NIC (a bridge
// NIC of a running VM is unplugged with `state: absent`, as upstream does).
import { useState, type ReactNode } from 'react';
import { Alert, Button, Flex, FlexItem, Tab, Tabs, TabTitleText, Title } from '@patternfly/react-core';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { k8sPatch } from '../../api/client';
import { VMModel } from '../../api/models';
import { conditionOf, type K8sObject } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { navigate } from '../../app/router';
import { interfaceBinding, removeNicPatch, vmInterfaces, vmNetworks, type VmLike } from '../../models/vm-nic';
import { vmiLive, type VmiObj } from '../../models/vm-status';
import { AddNicModal } from './AddNicModal';
import { vmPath } from './VmListPage';

export function VmConfigurationTab({ vm, vmi, subtab }: { vm: K8sObject; vmi: K8sObject | undefined; subtab: string | undefined }): ReactNode {
  const { t } = useTranslation();
  const active = subtab ?? 'network';
  return (
    <Flex flexWrap={{ default: 'nowrap' }} alignItems={{ default: 'alignItemsFlexStart' }}>
      <FlexItem>
        <Tabs isVertical activeKey={active} aria-label={t('Configuration')}
          onSelect={(_e, k) => navigate(vmPath(vm.metadata.namespace ?? '', vm.metadata.name, `configuration/${String(k)}`))}>
          <Tab eventKey="network" title={<TabTitleText>{t('Network')}</TabTitleText>} />
        </Tabs>
      </FlexItem>
      <FlexItem grow={{ default: 'grow' }}>
        {active === 'network' && <NetworkSection vm={vm} vmi={vmi} />}
      </FlexItem>
    </Flex>
  );
}

function NetworkSection({ vm, vmi }: { vm: K8sObject; vmi: K8sObject | undefined }): ReactNode {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>();
  const v = vm as unknown as VmLike;
  const nets = vmNetworks(v);
  const running = vmiLive(vmi as unknown as VmiObj | undefined);
  const restart = conditionOf(vm, 'RestartRequired');
  const remove = (name: string): void => {
    setError(undefined);
    k8sPatch(VMModel, vm.metadata.name, vm.metadata.namespace, removeNicPatch(v, name, running), 'json').catch(setError);
  };
  return (
    <>
      <Flex justifyContent={{ default: 'justifyContentSpaceBetween' }}>
        <FlexItem><Title headingLevel="h2">{t('Network interfaces')}</Title></FlexItem>
        <FlexItem><Button variant="secondary" onClick={() => setAdding(true)}>{t('Add network interface')}</Button></FlexItem>
      </Flex>
      {restart?.status === 'True' && <Alert variant="warning" isInline title={t('Restart required')}>{restart.message}</Alert>}
      <ErrorAlert error={error} />
      <Table aria-label={t('Network interfaces')} variant="compact" data-test="nic-table">
        <Thead><Tr><Th>{t('Name')}</Th><Th>{t('Model')}</Th><Th>{t('Network')}</Th><Th>{t('Type')}</Th><Th>{t('MAC address')}</Th><Th screenReaderText={t('Actions')} /></Tr></Thead>
        <Tbody>
          {vmInterfaces(v).map((i) => {
            const net = nets.find((n) => n.name === i.name);
            return (
              <Tr key={i.name} data-test={`nic-row-${i.name}`}>
                <Td dataLabel={t('Name')}>{i.name}{i.state === 'absent' ? ` (${t('unplugging')})` : ''}</Td>
                <Td dataLabel={t('Model')}>{i.model ?? 'virtio'}</Td>
                <Td dataLabel={t('Network')}>{net?.pod !== undefined ? t('Pod networking') : net?.multus?.networkName ?? '-'}</Td>
                <Td dataLabel={t('Type')}>{interfaceBinding(i)}</Td>
                <Td dataLabel={t('MAC address')}>{i.macAddress ?? '-'}</Td>
                <Td isActionCell><ActionsColumn items={[{ title: t('Delete'), onClick: () => remove(i.name) }]} /></Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
      {adding && <AddNicModal vm={vm} onClose={() => setAdding(false)} />}
    </>
  );
}
