// Operators → Installed Operators (all projects): Name (display name and version), Namespace, Status
// (the CSV's phase: `Succeeded` as the guide shows it), Provided APIs with links to create an instance.
import type { ReactNode } from 'react';
import { Bullseye, Content, EmptyState, PageSection, Spinner } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { CSVModel } from '../../api/models';
import { useWatch } from '../../hooks/useWatch';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Link } from '../../app/router';
import { csvDisplayName, providedAPIs, type CsvLike } from '../../models/operator-csv';
import { CsvStatus } from './csv-status';

export const operatorPath = (csv: CsvLike, rest = ''): string =>
  `/operators/installed/${encodeURIComponent(csv.metadata.namespace ?? '')}/${encodeURIComponent(csv.metadata.name)}${rest}`;

export function InstalledOperatorsPage(): ReactNode {
  const { t } = useTranslation();
  const [items, loaded, error] = useWatch(CSVModel);
  const csvs = (items as unknown as CsvLike[]).slice().sort((a, b) => csvDisplayName(a).localeCompare(csvDisplayName(b)) || (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? ''));
  return (
    <>
      <PageHeading title={t('Installed Operators')}>
        <Content component="p" className="pf-v6-u-mt-sm">
          {t('Installed Operators are represented by ClusterServiceVersions within this Namespace.')}{' '}
          <Link to="/operatorhub">{t('OperatorHub')}</Link>
        </Content>
      </PageHeading>
      <PageSection>
        <ErrorAlert error={error} />
        {!loaded && !error ? <Bullseye><Spinner aria-label={t('Loading')} /></Bullseye> : (
          <Table aria-label={t('Installed Operators')} variant="compact" data-test="installed-operators">
            <Thead>
              <Tr><Th>{t('Name')}</Th><Th>{t('Namespace')}</Th><Th>{t('Status')}</Th><Th>{t('Provided APIs')}</Th></Tr>
            </Thead>
            <Tbody>
              {csvs.map((c) => (
                <Tr key={`${c.metadata.namespace ?? ''}/${c.metadata.name}`} data-test={`csv-row-${c.metadata.name}`}>
                  <Td dataLabel={t('Name')}>
                    <Link to={operatorPath(c)}>{csvDisplayName(c)}</Link>
                    <div><Content component="small">{c.spec?.version ?? ''} {c.spec?.provider?.name ? t('provided by {{provider}}', { provider: c.spec.provider.name }) : ''}</Content></div>
                  </Td>
                  <Td dataLabel={t('Namespace')}>{c.metadata.namespace}</Td>
                  <Td dataLabel={t('Status')}><CsvStatus csv={c} /></Td>
                  <Td dataLabel={t('Provided APIs')}>
                    {providedAPIs(c).map((a) => <div key={a.crd}><Link to={operatorPath(c, `/${a.slug}`)}>{a.displayName}</Link></div>)}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
        {loaded && csvs.length === 0 && <EmptyState titleText={t('No Operators found')} headingLevel="h2" />}
      </PageSection>
    </>
  );
}
