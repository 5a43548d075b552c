// UserDefinedNetworks of the project and the ClusterUserDefinedNetworks, in one list (as the networking
// console shows them): Name, Kind, Namespace, Topology, Role, Subnets, and the NetworkCreated condition.
// "Create" opens the UserDefinedNetwork or ClusterUserDefinedNetwork modal.
import { useState, type ReactNode } from 'react';
import { Dropdown, DropdownItem, DropdownList, EmptyState, EmptyStateBody, MenuToggle, PageSection, Spinner } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { CUDNModel, UDNModel } from '../../../api/models';
import type { K8sObject } from '../../../api/types';
import { useWatch } from '../../../hooks/useWatch';
import { PageHeading } from '../../../components/PageHeading';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Link } from '../../../app/router';
import { listNamespace, useActiveProject } from '../../../app/project';
import { udnSummary } from '../../../models/udn-summary';
import { cudnPath, udnPath } from '../nads/NadListPage';
import { ConditionLabel } from './ConditionLabel';
import { UdnCreateModal } from './UdnCreateModal';

export function UdnListPage(): ReactNode {
  const { t } = useTranslation();
  const project = useActiveProject();
  const [udns, udnsLoaded, udnError] = useWatch(UDNModel, listNamespace(project));
  const [cudns, cudnsLoaded, cudnError] = useWatch(CUDNModel);
  const [menu, setMenu] = useState(false);
  const [modal, setModal] = useState<'udn' | 'cudn' | undefined>();
  const loaded = udnsLoaded && cudnsLoaded;
  const rows: K8sObject[] = [
    ...[...udns].sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name)),
    ...[...cudns].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
  ];
  const create = (
    <Dropdown isOpen={menu} onOpenChange={setMenu} onSelect={() => setMenu(false)} popperProps={{ position: 'right' }}
      toggle={(ref) => <MenuToggle ref={ref} variant="primary" onClick={() => setMenu(!menu)} isExpanded={menu}>{t('Create')}</MenuToggle>}>
      <DropdownList>
        <DropdownItem value="udn" onClick={() => setModal('udn')}>{t('UserDefinedNetwork')}</DropdownItem>
        <DropdownItem value="cudn" onClick={() => setModal('cudn')}>{t('ClusterUserDefinedNetwork')}</DropdownItem>
      </DropdownList>
    </Dropdown>
  );
  return (
    <>
      <PageHeading title={t('UserDefinedNetworks')} namespaced actions={create} />
      <PageSection>
        <ErrorAlert error={udnError ?? cudnError} />
        {!loaded && !(udnError ?? cudnError) && <Spinner size="lg" aria-label={t('Loading')} />}
        {loaded && rows.length === 0 && (
          <EmptyState titleText={t('No UserDefinedNetworks found')} headingLevel="h2">
            <EmptyStateBody>{t('Create a UserDefinedNetwork to give the project its own isolated network.')}</EmptyStateBody>
          </EmptyState>
        )}
        {loaded && rows.length > 0 && (
          <Table aria-label={t('UserDefinedNetworks')} variant="compact" data-test="udn-list">
            <Thead>
              <Tr>
                <Th modifier="nowrap">{t('Name')}</Th>
                <Th modifier="nowrap">{t('Kind')}</Th>
                <Th modifier="nowrap">{t('Namespace')}</Th>
                <Th modifier="nowrap">{t('Topology')}</Th>
                <Th modifier="nowrap">{t('Role')}</Th>
                <Th modifier="nowrap">{t('Subnets')}</Th>
                <Th modifier="nowrap">{t('Conditions')}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {rows.map((o) => {
                const s = udnSummary(o);
                const cluster = o.kind === 'ClusterUserDefinedNetwork';
                return (
                  <Tr key={`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`} data-test={`udn-row-${o.metadata.name}`}>
                    <Td dataLabel={t('Name')}><Link to={cluster ? cudnPath(o.metadata.name) : udnPath(o.metadata.namespace ?? '', o.metadata.name)}>{o.metadata.name}</Link></Td>
                    <Td dataLabel={t('Kind')}>{o.kind}</Td>
                    <Td dataLabel={t('Namespace')}>{cluster ? t('Cluster-wide') : o.metadata.namespace}</Td>
                    <Td dataLabel={t('Topology')}>{s.topology || '-'}</Td>
                    <Td dataLabel={t('Role')}>{s.role || '-'}</Td>
                    <Td dataLabel={t('Subnets')}>{s.subnets.join(', ') || '-'}</Td>
                    <Td dataLabel={t('Conditions')}><ConditionLabel condition={s.condition} /></Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
      </PageSection>
      {modal && <UdnCreateModal cluster={modal === 'cudn'} onClose={() => setModal(undefined)} />}
    </>
  );
}
