// Overview: the VM's details and the Network tile (each interface with its network and addresses); an
// interface of a running VM without an address says why (IPAMClaim state, DHCP), with the VMI's conditions.
import type { ReactNode } from 'react';
import { Card, CardBody, CardTitle, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, Grid, GridItem, Label, LabelGroup } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { IPAMClaimModel } from '../../api/models';
import type { K8sObject } from '../../api/types';
import { useWatch } from '../../hooks/useWatch';
import { Age } from '../../components/Age';
import { networkRows, operatingSystem, relevantConditions, vmiRunning, type ClaimObj, type NoIpReason, type VmiObj, type VmObj } from '../../models/vm-status';
import { VmStatus } from './VmStatus';

export function VmOverviewTab({ vm, vmi }: { vm: K8sObject; vmi: K8sObject | undefined }): ReactNode {
  const { t } = useTranslation();
  const [claims] = useWatch(IPAMClaimModel, vm.metadata.namespace);
  const v = vm as unknown as VmObj;
  const i = vmi as unknown as VmiObj | undefined;
  const rows = networkRows(v, i, claims as unknown as ClaimObj[]);
  const running = vmiRunning(i);
  const conditions = relevantConditions(i);
  return (
    <Grid hasGutter>
      <GridItem md={5}>
        <Card>
          <CardTitle>{t('Details')}</CardTitle>
          <CardBody>
            <DescriptionList isCompact>
              <Item term={t('Name')}>{vm.metadata.name}</Item>
              <Item term={t('Namespace')}>{vm.metadata.namespace}</Item>
              <Item term={t('Status')}><VmStatus status={vm.status?.printableStatus as string | undefined} /></Item>
              <Item term={t('Node')}>{i?.status?.nodeName ?? '-'}</Item>
              <Item term={t('Operating system')}>{operatingSystem(v, i) ?? '-'}</Item>
              <Item term={t('Created')}><Age ts={vm.metadata.creationTimestamp} /></Item>
            </DescriptionList>
          </CardBody>
        </Card>
      </GridItem>
      <GridItem md={7}>
        <Card data-test="network-tile">
          <CardTitle>{t('Network')}</CardTitle>
          <CardBody>
            {!running && <p data-test="not-running">{t('The VirtualMachine is not running; addresses show once it runs.')}</p>}
            <Table variant="compact" aria-label={t('Network')}>
              <Thead><Tr><Th>{t('Name')}</Th><Th>{t('Network')}</Th><Th>{t('IP addresses')}</Th></Tr></Thead>
              <Tbody>
                {rows.map((r) => (
                  <Tr key={r.name} data-test={`nic-${r.name}`}>
                    <Td dataLabel={t('Name')}>{r.name}{r.guestInterface ? ` (${r.guestInterface})` : ''}</Td>
                    <Td dataLabel={t('Network')}>{r.network === 'Pod networking' ? t('Pod networking') : r.network}</Td>
                    <Td dataLabel={t('IP addresses')}>
                      {r.ips.length > 0 ? r.ips.map((ip) => <div key={ip} data-test="nic-ip">{ip}</div>) : '-'}
                      {r.noIp && <NoIpHint reason={r.noIp} />}
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            {running && conditions.length > 0 && (
              <LabelGroup categoryName={t('Conditions')} numLabels={8} data-test="vmi-conditions">
                {conditions.map((c) => (
                  <Label key={c.type} isCompact color={c.status === 'True' ? 'green' : 'orange'} title={c.message ?? ''}>
                    {c.type}={c.status}{c.reason ? ` (${c.reason})` : ''}
                  </Label>
                ))}
              </LabelGroup>
            )}
          </CardBody>
        </Card>
      </GridItem>
    </Grid>
  );
}

function Item({ term, children }: { term: string; children: ReactNode }): ReactNode {
  return (
    <DescriptionListGroup>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{children}</DescriptionListDescription>
    </DescriptionListGroup>
  );
}

function NoIpHint({ reason }: { reason: NoIpReason }): ReactNode {
  const { t } = useTranslation();
  let text: string;
  switch (reason.kind) {
    case 'ipam-allocated': text = t('IPAMClaim {{claim}} holds {{ips}}; waiting for the guest to take it by DHCP', { claim: reason.claim, ips: reason.ips.join(', ') }); break;
    case 'ipam-failed': text = t('IPAMClaim {{claim}}: {{reason}}: {{message}}', { claim: reason.claim, reason: reason.reason, message: reason.message }); break;
    case 'ipam-pending': text = t('IPAMClaim {{claim}} has no address allocated yet', { claim: reason.claim }); break;
    case 'ipam-missing': text = t('IPAMClaim {{claim}} does not exist yet', { claim: reason.claim }); break;
    case 'dhcp-bridge': text = t('Waiting for DHCP in the guest: no lease from the DHCP server of this network yet'); break;
    case 'dhcp-masquerade': text = t('Waiting for DHCP in the guest (masquerade binding)'); break;
    case 'unplugged': text = t('The interface is unplugged (state absent or down)'); break;
    case 'not-reported': text = t('No address reported'); break;
  }
  return <div data-test="no-ip-reason" style={{ color: 'var(--pf-t--global--text--color--subtle)', fontSize: 'var(--pf-t--global--font--size--sm)', whiteSpace: 'normal' }}>{text}</div>;
}
