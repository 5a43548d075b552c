// A NetworkAttachmentDefinition: its details (type, bridge, VLAN, owner, the bridge check) and the CNI config
// pretty-printed. Live.
import type { ReactNode } from 'react';
import { Breadcrumb, BreadcrumbItem, CodeBlock, CodeBlockCode, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, PageSection, Spinner, Title } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { NADModel, NNSModel } from '../../../api/models';
import { useWatch, useWatchOne } from '../../../hooks/useWatch';
import { PageHeading } from '../../../components/PageHeading';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Age } from '../../../components/Age';
import { Link } from '../../../app/router';
import { nadConfigSummary, type NnsLike } from '../../../models/nad-list';
import { BridgeStatus, NadTypeCell, UdnOwnerLabel } from './NadListPage';

function pretty(config: string | undefined): string {
  if (!config) return '';
  try {
    return JSON.stringify(JSON.parse(config), null, 2);
  } catch {
    return config;
  }
}

export function NadDetailsPage({ params }: { params: Record<string, string> }): ReactNode {
  const { t } = useTranslation();
  const ns = params.ns ?? '';
  const name = params.name ?? '';
  const [nad, loaded, error] = useWatchOne(NADModel, name, ns);
  const [states, statesLoaded] = useWatch(NNSModel);
  const s = nad ? nadConfigSummary(nad) : undefined;
  return (
    <>
      <PageSection padding={{ default: 'noPadding' }} className="vn-project-section">
        <Breadcrumb>
          <BreadcrumbItem><Link to={`/k8s/ns/${encodeURIComponent(ns)}/network-attachment-definitions`}>{t('NetworkAttachmentDefinitions')}</Link></BreadcrumbItem>
          <BreadcrumbItem isActive>{t('NetworkAttachmentDefinition details')}</BreadcrumbItem>
        </Breadcrumb>
      </PageSection>
      <PageHeading title={name} />
      <PageSection>
        <ErrorAlert error={error} />
        {!loaded && <Spinner size="lg" aria-label={t('Loading')} />}
        {loaded && !nad && <p>{t('NetworkAttachmentDefinition {{name}} not found', { name })}</p>}
        {nad && s && (
          <>
            <Title headingLevel="h2">{t('NetworkAttachmentDefinition details')}</Title>
            <DescriptionList isHorizontal horizontalTermWidthModifier={{ default: '24ch' }} aria-label={t('NetworkAttachmentDefinition details')} style={{ marginTop: 'var(--pf-t--global--spacer--md)' }}>
              <DescriptionListGroup><DescriptionListTerm>{t('Name')}</DescriptionListTerm><DescriptionListDescription>{nad.metadata.name}</DescriptionListDescription></DescriptionListGroup>
              <DescriptionListGroup><DescriptionListTerm>{t('Namespace')}</DescriptionListTerm><DescriptionListDescription>{nad.metadata.namespace}</DescriptionListDescription></DescriptionListGroup>
              <DescriptionListGroup><DescriptionListTerm>{t('Description')}</DescriptionListTerm><DescriptionListDescription>{nad.metadata.annotations?.description ?? '-'}</DescriptionListDescription></DescriptionListGroup>
              <DescriptionListGroup><DescriptionListTerm>{t('Type')}</DescriptionListTerm><DescriptionListDescription data-test="nad-type"><NadTypeCell nad={nad} /></DescriptionListDescription></DescriptionListGroup>
              {s.bridge !== undefined && (
                <DescriptionListGroup><DescriptionListTerm>{t('Bridge name')}</DescriptionListTerm><DescriptionListDescription>{s.bridge} <BridgeStatus nad={nad} states={states as NnsLike[]} statesLoaded={statesLoaded} /></DescriptionListDescription></DescriptionListGroup>
              )}
              {s.vlan !== undefined && (
                <DescriptionListGroup><DescriptionListTerm>{t('VLAN tag number')}</DescriptionListTerm><DescriptionListDescription>{s.vlan}</DescriptionListDescription></DescriptionListGroup>
              )}
              {s.subnets !== undefined && (
                <DescriptionListGroup><DescriptionListTerm>{t('Subnets')}</DescriptionListTerm><DescriptionListDescription>{s.subnets}</DescriptionListDescription></DescriptionListGroup>
              )}
              <DescriptionListGroup><DescriptionListTerm>{t('Owner')}</DescriptionListTerm><DescriptionListDescription><UdnOwnerLabel nad={nad} />{!nad.metadata.ownerReferences?.length && '-'}</DescriptionListDescription></DescriptionListGroup>
              <DescriptionListGroup><DescriptionListTerm>{t('Created')}</DescriptionListTerm><DescriptionListDescription><Age ts={nad.metadata.creationTimestamp} /></DescriptionListDescription></DescriptionListGroup>
            </DescriptionList>
            <Title headingLevel="h2" style={{ marginTop: 'var(--pf-t--global--spacer--lg)' }}>{t('Configuration')}</Title>
            <CodeBlock aria-label={t('Configuration')} data-test="nad-config"><CodeBlockCode>{pretty(nad.spec?.config as string | undefined)}</CodeBlockCode></CodeBlock>
          </>
        )}
      </PageSection>
    </>
  );
}
