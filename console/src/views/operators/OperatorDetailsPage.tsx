// An installed operator (`/operators/installed/:ns/:name/:tab?`): the Details tab with its provided APIs
// and "Create instance", and one tab per provided API listing its instances (NMState: its Available
// condition, as the guide checks).
import type { ReactNode } from 'react';
import {
  Breadcrumb, BreadcrumbItem, Bullseye, Button, Card, CardBody, CardFooter, CardTitle, Content, DescriptionList,
  DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, EmptyState, Gallery, Grid, GridItem, PageSection,
  Spinner, Tab, Tabs, TabTitleText, Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { CSVModel, modelFor } from '../../api/models';
import { conditionOf, type K8sObject } from '../../api/types';
import { useWatch, useWatchOne } from '../../hooks/useWatch';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Age } from '../../components/Age';
import { Link, navigate } from '../../app/router';
import { csvDisplayName, csvSummary, providedAPIs, type CsvLike, type ProvidedAPI } from '../../models/operator-csv';
import { CsvStatus } from './csv-status';
import { operatorPath } from './InstalledOperatorsPage';

function Instances({ csv, api }: { csv: CsvLike; api: ProvidedAPI }): ReactNode {
  const { t } = useTranslation();
  const model = modelFor(`${api.group}/${api.version}`, api.kind);
  const [items, loaded, error] = useWatch(model, model?.namespaced ? csv.metadata.namespace : undefined);
  return (
    <>
      <div className="pf-v6-u-mb-md">
        <Button variant="primary" onClick={() => navigate(operatorPath(csv, `/${api.slug}/~new`))}>{t('Create {{kind}}', { kind: api.displayName })}</Button>
      </div>
      <ErrorAlert error={error} />
      {!loaded && !error ? <Spinner aria-label={t('Loading')} /> : (
        <Table aria-label={api.displayName} variant="compact" data-test={`instances-${api.slug}`}>
          <Thead><Tr><Th>{t('Name')}</Th><Th>{t('Kind')}</Th><Th>{t('Status')}</Th><Th>{t('Labels')}</Th><Th>{t('Created')}</Th></Tr></Thead>
          <Tbody>
            {(items as K8sObject[]).map((o) => {
              const avail = conditionOf(o, 'Available');
              const progressing = conditionOf(o, 'Progressing');
              const status = avail ? `${avail.type}: ${avail.status}` : '-';
              return (
                <Tr key={o.metadata.name} data-test={`instance-row-${o.metadata.name}`}>
                  <Td dataLabel={t('Name')}>{o.metadata.name}</Td>
                  <Td dataLabel={t('Kind')}>{o.kind}</Td>
                  <Td dataLabel={t('Status')}>
                    <div data-test="instance-status">{status}</div>
                    <Content component="small">{avail?.status === 'True' ? avail.message : progressing?.status === 'True' ? progressing.message : avail?.reason}</Content>
                  </Td>
                  <Td dataLabel={t('Labels')}>{Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '-'}</Td>
                  <Td dataLabel={t('Created')}><Age ts={o.metadata.creationTimestamp} /></Td>
                </Tr>
              );
            })}
          </Tbody>
        </Table>
      )}
      {loaded && items.length === 0 && <EmptyState titleText={t('No resources found')} headingLevel="h3" />}
    </>
  );
}

function DetailsTab({ csv }: { csv: CsvLike }): ReactNode {
  const { t } = useTranslation();
  const s = csvSummary(csv);
  return (
    <Grid hasGutter>
      <GridItem md={8}>
        <Title headingLevel="h2" size="lg">{t('Provided APIs')}</Title>
        <Gallery hasGutter minWidths={{ default: '260px' }} className="pf-v6-u-my-md">
          {providedAPIs(csv).map((a) => (
            <Card key={a.crd} isCompact data-test={`provided-api-${a.slug}`}>
              <CardTitle>{a.displayName}</CardTitle>
              <CardBody><Content component="small">{a.crd}</Content><Content component="p">{a.description}</Content></CardBody>
              <CardFooter><Link to={operatorPath(csv, `/${a.slug}/~new`)}>{t('Create instance')}</Link></CardFooter>
            </Card>
          ))}
        </Gallery>
        <Title headingLevel="h2" size="lg">{t('Description')}</Title>
        <Content component="p" className="pf-v6-u-mt-sm">{csv.spec?.description}</Content>
      </GridItem>
      <GridItem md={4}>
        <DescriptionList>
          <DescriptionListGroup><DescriptionListTerm>{t('Provider')}</DescriptionListTerm><DescriptionListDescription>{csv.spec?.provider?.name ?? '-'}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>{t('Version')}</DescriptionListTerm><DescriptionListDescription>{csv.spec?.version ?? '-'}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>{t('Status')}</DescriptionListTerm><DescriptionListDescription><CsvStatus csv={csv} /></DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>{t('Status reason')}</DescriptionListTerm><DescriptionListDescription>{s.message || '-'}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>{t('Namespace')}</DescriptionListTerm><DescriptionListDescription>{csv.metadata.namespace}</DescriptionListDescription></DescriptionListGroup>
        </DescriptionList>
      </GridItem>
    </Grid>
  );
}

export function OperatorDetailsPage({ params }: { params: Record<string, string> }): ReactNode {
  const { t } = useTranslation();
  const ns = params.ns ?? '';
  const name = params.name ?? '';
  const tab = params.tab ?? 'details';
  const [obj, loaded, error] = useWatchOne(CSVModel, name, ns);
  const csv = obj as unknown as CsvLike | undefined;
  if (!loaded && !error) return <Bullseye><Spinner aria-label={t('Loading')} /></Bullseye>;
  const apis = csv ? providedAPIs(csv) : [];
  return (
    <>
      <PageSection padding={{ default: 'noPadding' }} style={{ padding: 'var(--pf-t--global--spacer--md) var(--pf-t--global--spacer--lg) 0' }}>
        <Breadcrumb>
          <BreadcrumbItem><Link to="/operators/installed">{t('Installed Operators')}</Link></BreadcrumbItem>
          <BreadcrumbItem isActive>{t('Operator details')}</BreadcrumbItem>
        </Breadcrumb>
      </PageSection>
      <PageHeading title={csv ? csvDisplayName(csv) : name}>
        {csv && <Content component="small">{csv.spec?.version} {t('provided by {{provider}}', { provider: csv.spec?.provider?.name ?? '' })}</Content>}
      </PageHeading>
      <PageSection>
        <ErrorAlert error={error} />
        {loaded && !csv && <ErrorAlert error={new Error(t('ClusterServiceVersion {{name}} not found in {{ns}}', { name, ns }))} />}
        {csv && (
          <Tabs activeKey={tab} onSelect={(_e, k) => navigate(operatorPath(csv, k === 'details' ? '' : `/${String(k)}`))} aria-label={t('Operator details')} mountOnEnter unmountOnExit>
            {[
              <Tab key="details" eventKey="details" title={<TabTitleText>{t('Details')}</TabTitleText>}>
                <div className="pf-v6-u-pt-md"><DetailsTab csv={csv} /></div>
              </Tab>,
              ...apis.map((a) => (
                <Tab key={a.slug} eventKey={a.slug} title={<TabTitleText>{a.displayName}</TabTitleText>}>
                  <div className="pf-v6-u-pt-md"><Instances csv={csv} api={a} /></div>
                </Tab>
              )),
            ]}
          </Tabs>
        )}
      </PageSection>
    </>
  );
}
