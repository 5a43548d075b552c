// A node's details: status, roles, instance type, labels (editable), addresses, system info and conditions.
import { useState, type ReactNode } from 'react';
import {
  Breadcrumb, BreadcrumbItem, Button, DescriptionList, DescriptionListDescription, DescriptionListGroup,
  DescriptionListTerm, Grid, GridItem, PageSection, Title, Bullseye, Spinner,
} from '@patternfly/react-core';
import { PencilAltIcon } from '@patternfly/react-icons';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { NodeModel } from '../../api/models';
import type { Condition } from '../../api/types';
import { useWatchOne } from '../../hooks/useWatch';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Age } from '../../components/Age';
import { Link } from '../../app/router';
import { instanceType, nodeAddresses, nodeRoles } from '../../models/node-summary';
import { LabelList, NodeStatus } from './NodeStatus';
import { NodeActions } from './NodeActions';
import { EditLabelsModal } from './EditLabelsModal';

export function NodeDetailsPage({ params }: { params: Record<string, string> }): ReactNode {
  const { t } = useTranslation();
  const name = params.name ?? '';
  const [node, loaded, error] = useWatchOne(NodeModel, name);
  const [editing, setEditing] = useState(false);
  if (!loaded && !error) return <Bullseye><Spinner aria-label={t('Loading')} /></Bullseye>;
  const info = (node?.status as { nodeInfo?: Record<string, string> } | undefined)?.nodeInfo ?? {};
  const conditions = (node?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return (
    <>
      <PageSection padding={{ default: 'noPadding' }} style={{ padding: 'var(--pf-t--global--spacer--md) var(--pf-t--global--spacer--lg) 0' }}>
        <Breadcrumb>
          <BreadcrumbItem><Link to="/k8s/cluster/nodes">{t('Nodes')}</Link></BreadcrumbItem>
          <BreadcrumbItem isActive>{t('Node details')}</BreadcrumbItem>
        </Breadcrumb>
      </PageSection>
      <PageHeading title={<>{name} {node && <small style={{ fontSize: '1rem' }}><NodeStatus node={node} /></small>}</>}
        actions={node && <NodeActions node={node} kebab={false} />} />
      <PageSection>
        <ErrorAlert error={error} />
        {loaded && !node && <ErrorAlert error={new Error(t('Node {{name}} not found', { name }))} />}
        {node && (
          <Grid hasGutter>
            <GridItem md={6}>
              <Title headingLevel="h2" size="lg">{t('Node details')}</Title>
              <DescriptionList className="pf-v6-u-mt-md">
                <DescriptionListGroup><DescriptionListTerm>{t('Name')}</DescriptionListTerm><DescriptionListDescription>{name}</DescriptionListDescription></DescriptionListGroup>
                <DescriptionListGroup><DescriptionListTerm>{t('Status')}</DescriptionListTerm><DescriptionListDescription><NodeStatus node={node} /></DescriptionListDescription></DescriptionListGroup>
                <DescriptionListGroup><DescriptionListTerm>{t('Roles')}</DescriptionListTerm><DescriptionListDescription>{nodeRoles(node).join(', ') || '-'}</DescriptionListDescription></DescriptionListGroup>
                <DescriptionListGroup><DescriptionListTerm>{t('Instance type')}</DescriptionListTerm><DescriptionListDescription>{instanceType(node) ?? '-'}</DescriptionListDescription></DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>
                    {t('Labels')}{' '}
                    <Button variant="link" isInline icon={<PencilAltIcon />} iconPosition="end" onClick={() => setEditing(true)}>{t('Edit')}</Button>
                  </DescriptionListTerm>
                  <DescriptionListDescription data-test="node-labels"><LabelList labels={node.metadata.labels} max={20} /></DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup><DescriptionListTerm>{t('Created')}</DescriptionListTerm><DescriptionListDescription><Age ts={node.metadata.creationTimestamp} /></DescriptionListDescription></DescriptionListGroup>
              </DescriptionList>
            </GridItem>
            <GridItem md={6}>
              <DescriptionList>
                <DescriptionListGroup>
                  <DescriptionListTerm>{t('Node addresses')}</DescriptionListTerm>
                  <DescriptionListDescription data-test="node-addresses">
                    {nodeAddresses(node).length === 0 ? '-' : nodeAddresses(node).map((a) => <div key={`${a.type}-${a.address}`}>{a.type}: {a.address}</div>)}
                  </DescriptionListDescription>
                </DescriptionListGroup>
                {['osImage', 'kernelVersion', 'kubeletVersion', 'architecture'].filter((k) => info[k]).map((k) => (
                  <DescriptionListGroup key={k}><DescriptionListTerm>{k}</DescriptionListTerm><DescriptionListDescription>{info[k]}</DescriptionListDescription></DescriptionListGroup>
                ))}
              </DescriptionList>
            </GridItem>
            <GridItem span={12}>
              <Title headingLevel="h2" size="lg">{t('Conditions')}</Title>
              <Table aria-label={t('Conditions')} variant="compact">
                <Thead><Tr><Th>{t('Type')}</Th><Th>{t('Status')}</Th><Th>{t('Reason')}</Th><Th>{t('Message')}</Th></Tr></Thead>
                <Tbody>
                  {conditions.map((c) => (
                    <Tr key={c.type}><Td>{c.type}</Td><Td>{c.status}</Td><Td>{c.reason ?? '-'}</Td><Td>{c.message ?? '-'}</Td></Tr>
                  ))}
                </Tbody>
              </Table>
            </GridItem>
          </Grid>
        )}
      </PageSection>
      {editing && node && <EditLabelsModal model={NodeModel} obj={node} onClose={() => setEditing(false)} />}
    </>
  );
}
