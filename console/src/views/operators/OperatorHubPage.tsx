// Operators → OperatorHub: the catalog's PackageManifests as tiles, "Filter by keyword...", and a details
// panel per tile whose Install button leads to the install page.
import { useState, type ReactNode } from 'react';
import {
  Bullseye, Button, Card, CardBody, CardFooter, CardHeader, CardTitle, Content, DescriptionList, DescriptionListDescription,
  DescriptionListGroup, DescriptionListTerm, EmptyState, Gallery, Grid, GridItem, Label, Modal, ModalBody, ModalHeader,
  PageSection, SearchInput, Spinner, Toolbar, ToolbarContent, ToolbarItem,
} from '@patternfly/react-core';
import { CheckCircleIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import { CSVModel, PackageManifestModel } from '../../api/models';
import { useWatch } from '../../hooks/useWatch';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { navigate } from '../../app/router';
import { filterTiles, tileOf, type PackageManifestLike, type Tile } from '../../models/operator-catalog';
import { packageInstalled, type CsvLike } from '../../models/operator-csv';

function OperatorDetails({ tile, installed, onClose }: { tile: Tile; installed: boolean; onClose: () => void }): ReactNode {
  const { t } = useTranslation();
  const term = (label: string, value: ReactNode): ReactNode => (
    <DescriptionListGroup><DescriptionListTerm>{label}</DescriptionListTerm><DescriptionListDescription>{value || '-'}</DescriptionListDescription></DescriptionListGroup>
  );
  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="operator-details-title" data-test="operator-details">
      <ModalHeader title={tile.displayName} labelId="operator-details-title"
        description={`${tile.version} ${t('provided by {{provider}}', { provider: tile.provider })}`} />
      <ModalBody>
        {installed
          ? <Button variant="secondary" onClick={() => navigate('/operators/installed')}>{t('View Installed Operators')}</Button>
          : <Button variant="primary" onClick={() => navigate(`/operatorhub/subscribe?pkg=${encodeURIComponent(tile.name)}`)}>{t('Install')}</Button>}
        <Grid hasGutter className="pf-v6-u-mt-lg">
          <GridItem md={4}>
            <DescriptionList>
              {term(t('Channel'), tile.defaultChannel)}
              {term(t('Version'), tile.version)}
              {term(t('Capability level'), tile.capabilities)}
              {term(t('Source'), tile.catalog)}
              {term(t('Provider'), tile.provider)}
              {term(t('Categories'), tile.categories.join(', '))}
            </DescriptionList>
          </GridItem>
          <GridItem md={8}>
            <Content>
              <p>{tile.description}</p>
              {tile.providedAPIs.length > 0 && <h3>{t('Provided APIs')}</h3>}
              <ul>{tile.providedAPIs.map((a) => <li key={a.kind}><strong>{a.displayName}</strong>: {a.description}</li>)}</ul>
            </Content>
          </GridItem>
        </Grid>
      </ModalBody>
    </Modal>
  );
}

export function OperatorHubPage(): ReactNode {
  const { t } = useTranslation();
  const [pkgs, loaded, error] = useWatch(PackageManifestModel);
  const [csvs] = useWatch(CSVModel);
  const [keyword, setKeyword] = useState('');
  const [selected, setSelected] = useState<string | undefined>();
  const tiles = filterTiles(pkgs.map((p) => tileOf(p as unknown as PackageManifestLike)), keyword);
  const chosen = tiles.find((x) => x.name === selected);
  const installed = (name: string): boolean => packageInstalled(csvs as unknown as CsvLike[], name);
  return (
    <>
      <PageHeading title={t('OperatorHub')}>
        <Content component="p" className="pf-v6-u-mt-sm">
          {t('Discover Operators from the catalog virtnet ships. Operators install the components that manage their APIs on the cluster.')}
        </Content>
      </PageHeading>
      <PageSection>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <SearchInput aria-label={t('Filter by keyword...')} placeholder={t('Filter by keyword...')} value={keyword}
                onChange={(_e, v) => setKeyword(v)} onClear={() => setKeyword('')} />
            </ToolbarItem>
            <ToolbarItem align={{ default: 'alignEnd' }}>{t('{{count}} items', { count: tiles.length })}</ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        <ErrorAlert error={error} />
        {!loaded && !error && <Bullseye><Spinner aria-label={t('Loading')} /></Bullseye>}
        {loaded && tiles.length === 0 && <EmptyState titleText={t('No Results Match the Filter Criteria')} headingLevel="h2" />}
        <Gallery hasGutter minWidths={{ default: '260px' }} maxWidths={{ default: '260px' }}>
          {tiles.map((tile) => (
            <Card key={tile.name} isClickable isCompact data-test={`operator-tile-${tile.name}`}>
              <CardHeader selectableActions={{ onClickAction: () => setSelected(tile.name), selectableActionAriaLabel: tile.displayName }}>
                <CardTitle>{tile.displayName}</CardTitle>
                <Content component="small">{t('provided by {{provider}}', { provider: tile.provider })}</Content>
              </CardHeader>
              <CardBody><Content component="p">{tile.summary}</Content></CardBody>
              <CardFooter>
                <Label isCompact>{tile.catalog}</Label>{' '}
                {installed(tile.name) && <Label isCompact color="green" icon={<CheckCircleIcon />}>{t('Installed')}</Label>}
              </CardFooter>
            </Card>
          ))}
        </Gallery>
      </PageSection>
      {chosen && <OperatorDetails tile={chosen} installed={installed(chosen.name)} onClose={() => setSelected(undefined)} />}
    </>
  );
}
