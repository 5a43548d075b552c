// Compute → Nodes: Name, Status, Roles, Instance type, Labels, Created and a kebab with "Edit labels".
import { useState, type ReactNode } from 'react';
import { PageSection, SearchInput, Toolbar, ToolbarContent, ToolbarItem, EmptyState, Spinner, Bullseye } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { NodeModel } from '../../api/models';
import { useWatch } from '../../hooks/useWatch';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Age } from '../../components/Age';
import { Link } from '../../app/router';
import { instanceType, matchesName, nodeRoles } from '../../models/node-summary';
import { LabelList, NodeStatus } from './NodeStatus';
import { NodeActions } from './NodeActions';

export function NodesListPage(): ReactNode {
  const { t } = useTranslation();
  const [nodes, loaded, error] = useWatch(NodeModel);
  const [filter, setFilter] = useState('');
  const rows = nodes.filter((n) => matchesName(n.metadata.name, filter)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return (
    <>
      <PageHeading title={t('Nodes')} />
      <PageSection>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <SearchInput aria-label={t('Search by name...')} placeholder={t('Search by name...')} value={filter}
                onChange={(_e, v) => setFilter(v)} onClear={() => setFilter('')} />
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        <ErrorAlert error={error} />
        {!loaded && !error ? <Bullseye><Spinner aria-label={t('Loading')} /></Bullseye> : (
          <Table aria-label={t('Nodes')} variant="compact" data-test="nodes-table">
            <Thead>
              <Tr>
                <Th>{t('Name')}</Th>
                <Th>{t('Status')}</Th>
                <Th>{t('Roles')}</Th>
                <Th modifier="nowrap">{t('Instance type')}</Th>
                <Th>{t('Labels')}</Th>
                <Th>{t('Created')}</Th>
                <Th screenReaderText={t('Actions')} />
              </Tr>
            </Thead>
            <Tbody>
              {rows.map((n) => (
                <Tr key={n.metadata.name} data-test={`node-row-${n.metadata.name}`}>
                  <Td dataLabel={t('Name')}><Link to={`/k8s/cluster/nodes/${encodeURIComponent(n.metadata.name)}`}>{n.metadata.name}</Link></Td>
                  <Td dataLabel={t('Status')}><NodeStatus node={n} /></Td>
                  <Td dataLabel={t('Roles')}>{nodeRoles(n).join(', ') || '-'}</Td>
                  <Td dataLabel={t('Instance type')}>{instanceType(n) ?? '-'}</Td>
                  <Td dataLabel={t('Labels')} modifier="wrap" style={{ maxWidth: '28rem' }}><LabelList labels={n.metadata.labels} /></Td>
                  <Td dataLabel={t('Created')}><Age ts={n.metadata.creationTimestamp} /></Td>
                  <Td isActionCell><NodeActions node={n} /></Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
        {loaded && rows.length === 0 && <EmptyState titleText={t('No resources found')} headingLevel="h2" />}
      </PageSection>
    </>
  );
}
