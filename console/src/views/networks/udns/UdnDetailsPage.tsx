// A UserDefinedNetwork or ClusterUserDefinedNetwork: details, its NADs, and its conditions (with the
// controller's messages, e.g. the namespace label it needs). Live.
import type { ReactNode } from 'react';
import { Breadcrumb, BreadcrumbItem, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, PageSection, Spinner, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { CUDNModel, NADModel, UDNModel } from '../../../api/models';
import type { Condition } from '../../../api/types';
import { useWatch, useWatchOne } from '../../../hooks/useWatch';
import { PageHeading } from '../../../components/PageHeading';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Age } from '../../../components/Age';
import { Link } from '../../../app/router';
import { udnSummary } from '../../../models/udn-summary';
import { udnOwnerOf } from '../../../models/nad-list';
import { nadPath } from '../nads/NadListPage';

export function UdnDetailsPage({ params }: { params: Record<string, string> }): ReactNode {
  return <NetworkDetails cluster={false} ns={params.ns ?? ''} name={params.name ?? ''} />;
}

export function CudnDetailsPage({ params }: { params: Record<string, string> }): ReactNode {
  return <NetworkDetails cluster ns="" name={params.name ?? ''} />;
}

function NetworkDetails({ cluster, ns, name }: { cluster: boolean; ns: string; name: string }): ReactNode {
  const { t } = useTranslation();
  const [obj, loaded, error] = useWatchOne(cluster ? CUDNModel : UDNModel, name, cluster ? undefined : ns);
  const [nads] = useWatch(NADModel, cluster ? undefined : ns);
  const kind = cluster ? 'ClusterUserDefinedNetwork' : 'UserDefinedNetwork';
  const owned = nads.filter((n) => { const o = udnOwnerOf(n); return o?.kind === kind && o.name === name; });
  const s = obj ? udnSummary(obj) : undefined;
  const conditions = (obj?.status?.conditions ?? []) as Condition[];
  const listHref = `/k8s/ns/${encodeURIComponent(ns || 'default')}/userdefinednetworks`;
  const term = (label: string, value: ReactNode): ReactNode => (
    <DescriptionListGroup><DescriptionListTerm>{label}</DescriptionListTerm><DescriptionListDescription>{value}</DescriptionListDescription></DescriptionListGroup>
  );
  return (
    <>
      <PageSection padding={{ default: 'noPadding' }} className="vn-project-section">
        <Breadcrumb>
          <BreadcrumbItem><Link to={listHref}>{t('UserDefinedNetworks')}</Link></BreadcrumbItem>
          <BreadcrumbItem isActive>{t('{{kind}} details', { kind })}</BreadcrumbItem>
        </Breadcrumb>
      </PageSection>
      <PageHeading title={name} />
      <PageSection>
        <ErrorAlert error={error} />
        {!loaded && <Spinner size="lg" aria-label={t('Loading')} />}
        {loaded && !obj && <p>{t('{{kind}} {{name}} not found', { kind, name })}</p>}
        {obj && s && (
          <>
            <Title headingLevel="h2">{t('{{kind}} details', { kind })}</Title>
            <DescriptionList isHorizontal horizontalTermWidthModifier={{ default: '24ch' }} aria-label={t('{{kind}} details', { kind })} style={{ marginTop: 'var(--pf-t--global--spacer--md)' }}>
              {term(t('Name'), obj.metadata.name)}
              {!cluster && term(t('Namespace'), obj.metadata.namespace)}
              {term(t('Kind'), obj.kind)}
              {term(t('Topology'), s.topology || '-')}
              {term(t('Role'), s.role || '-')}
              {term(t('Subnets'), s.subnets.join(', ') || '-')}
              {s.mtu !== undefined && term(t('MTU'), s.mtu)}
              {s.ipamLifecycle && term(t('IPAM lifecycle'), s.ipamLifecycle)}
              {cluster && term(t('Project(s) Match Labels'), Object.entries((obj.spec?.namespaceSelector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(', ') || '-')}
              {term(t('NetworkAttachmentDefinitions'), owned.length === 0 ? '-' : (
                <span data-test="udn-nads">{owned.map((n, i) => <span key={`${n.metadata.namespace}/${n.metadata.name}`}>{i > 0 && ', '}<Link to={nadPath(n.metadata.namespace ?? '', n.metadata.name)}>{cluster ? `${n.metadata.namespace}/${n.metadata.name}` : n.metadata.name}</Link></span>)}</span>
              ))}
              {term(t('Created'), <Age ts={obj.metadata.creationTimestamp} />)}
            </DescriptionList>
            <Title headingLevel="h2" style={{ marginTop: 'var(--pf-t--global--spacer--lg)' }}>{t('Conditions')}</Title>
            <Table aria-label={t('Conditions')} variant="compact" data-test="udn-conditions">
              <Thead><Tr><Th modifier="nowrap">{t('Type')}</Th><Th modifier="nowrap">{t('Status')}</Th><Th modifier="nowrap">{t('Reason')}</Th><Th modifier="nowrap">{t('Message')}</Th><Th modifier="nowrap">{t('Updated')}</Th></Tr></Thead>
              <Tbody>
                {conditions.map((c) => (
                  <Tr key={c.type}>
                    <Td dataLabel={t('Type')}>{c.type}</Td>
                    <Td dataLabel={t('Status')}>{c.status}</Td>
                    <Td dataLabel={t('Reason')}>{c.reason ?? '-'}</Td>
                    <Td dataLabel={t('Message')}>{c.message ?? '-'}</Td>
                    <Td dataLabel={t('Updated')}><Age ts={c.lastTransitionTime} /></Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            {conditions.length === 0 && <p>{t('No conditions yet')}</p>}
          </>
        )}
      </PageSection>
    </>
  );
}
