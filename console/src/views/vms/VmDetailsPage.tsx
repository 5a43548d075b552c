// A VirtualMachine: header with Start/Stop and the Actions menu, migration progress, and the tabs
// Overview, Configuration, Console (`/k8s/ns/NS/virtualmachines/NAME/:tab/:subtab`).
import { useState, type ReactNode } from 'react';
import { Alert, Breadcrumb, BreadcrumbItem, Button, Dropdown, DropdownItem, DropdownList, EmptyState, Flex, FlexItem, MenuToggle, PageSection, Spinner, Tab, Tabs, TabTitleText } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { VMIModel, VMIMModel, VMModel } from '../../api/models';
import type { K8sObject } from '../../api/types';
import { useWatch, useWatchOne } from '../../hooks/useWatch';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeading } from '../../components/PageHeading';
import { Link, navigate } from '../../app/router';
import { actionStates, latestMigration, MIGRATION_DONE, type MigrationObj, type VmiObj, type VmObj } from '../../models/vm-status';
import { VmStatus } from './VmStatus';
import { runVmAction, vmActionItems } from './vm-actions';
import { vmPath } from './VmListPage';
import { VmOverviewTab } from './VmOverviewTab';
import { VmConfigurationTab } from './VmConfigurationTab';
import { VmConsoleTab } from './VmConsoleTab';

const TABS = ['overview', 'configuration', 'console'] as const;

export function VmDetailsPage({ params }: { params: Record<string, string> }): ReactNode {
  const { t } = useTranslation();
  const ns = params.ns ?? '';
  const name = params.name ?? '';
  const tab = TABS.find((x) => x === params.tab) ?? 'overview';
  const [vm, loaded, error] = useWatchOne(VMModel, name, ns);
  const [vmi] = useWatchOne(VMIModel, name, ns);
  const [migrations] = useWatch(VMIMModel, ns);
  const [actionError, setActionError] = useState<unknown>();
  const [menuOpen, setMenuOpen] = useState(false);
  const [since] = useState(() => new Date().toISOString());
  const migration = latestMigration(migrations as unknown as MigrationObj[], name);

  if (!vm) {
    return (
      <PageSection>
        <ErrorAlert error={error} />
        {loaded ? <EmptyState titleText={t('VirtualMachine {{name}} not found', { name })} headingLevel="h1" /> : <Spinner aria-label={t('Loading')} />}
      </PageSection>
    );
  }
  const states = actionStates(vm as unknown as VmObj, vmi as unknown as VmiObj | undefined, migration);
  const act = (a: 'start' | 'stop'): void => { setActionError(undefined); runVmAction(vm, a).catch(setActionError); };
  const items = vmActionItems(t, vm, vmi, migration as unknown as K8sObject | undefined, setActionError);
  // A migration shows while it runs, and its outcome once it ends if it started while this page was open.
  const showMigration = migration && (!MIGRATION_DONE.includes(migration.status?.phase ?? '') || (migration.metadata.creationTimestamp ?? '') >= since.slice(0, 19));

  return (
    <>
      <PageSection padding={{ default: 'noPadding' }} className="vn-project-section">
        <Breadcrumb>
          <BreadcrumbItem><Link to={`/k8s/ns/${encodeURIComponent(ns)}/virtualmachines`}>{t('VirtualMachines')}</Link></BreadcrumbItem>
          <BreadcrumbItem isActive>{t('VirtualMachine details')}</BreadcrumbItem>
        </Breadcrumb>
      </PageSection>
      <PageHeading
        title={<Flex spaceItems={{ default: 'spaceItemsMd' }} alignItems={{ default: 'alignItemsCenter' }}><FlexItem>{name}</FlexItem><FlexItem><VmStatus status={vm.status?.printableStatus as string | undefined} /></FlexItem></Flex>}
        actions={(
          <Flex spaceItems={{ default: 'spaceItemsSm' }}>
            {states.start && <FlexItem><Button variant="secondary" onClick={() => act('start')}>{t('Start')}</Button></FlexItem>}
            {!states.start && states.stop && <FlexItem><Button variant="secondary" onClick={() => act('stop')}>{t('Stop')}</Button></FlexItem>}
            <FlexItem>
              <Dropdown isOpen={menuOpen} onOpenChange={setMenuOpen} onSelect={() => setMenuOpen(false)} popperProps={{ position: 'right' }}
                toggle={(ref) => <MenuToggle ref={ref} onClick={() => setMenuOpen(!menuOpen)} isExpanded={menuOpen}>{t('Actions')}</MenuToggle>}>
                <DropdownList>
                  {items.map((i) => <DropdownItem key={i.id} isDisabled={i.isDisabled} onClick={() => { setActionError(undefined); i.onClick(); }}>{i.title}</DropdownItem>)}
                </DropdownList>
              </Dropdown>
            </FlexItem>
          </Flex>
        )}
      >
        <ErrorAlert error={actionError} />
        {showMigration && <MigrationProgress migration={migration} />}
      </PageHeading>
      <PageSection padding={{ default: 'noPadding' }}>
        <Tabs activeKey={tab} onSelect={(_e, k) => navigate(vmPath(ns, name, String(k)))} aria-label={t('VirtualMachine details')} inset={{ default: 'insetLg' }}>
          <Tab eventKey="overview" title={<TabTitleText>{t('Overview')}</TabTitleText>} />
          <Tab eventKey="configuration" title={<TabTitleText>{t('Configuration')}</TabTitleText>} />
          <Tab eventKey="console" title={<TabTitleText>{t('Console')}</TabTitleText>} />
        </Tabs>
      </PageSection>
      <PageSection>
        {tab === 'overview' && <VmOverviewTab vm={vm} vmi={vmi} />}
        {tab === 'configuration' && <VmConfigurationTab vm={vm} vmi={vmi} subtab={params.subtab} />}
        {tab === 'console' && <VmConsoleTab vm={vm} vmi={vmi} />}
      </PageSection>
    </>
  );
}

function MigrationProgress({ migration }: { migration: MigrationObj }): ReactNode {
  const { t } = useTranslation();
  const phase = migration.status?.phase ?? 'Pending';
  const ms = migration.status?.migrationState;
  const variant = phase === 'Succeeded' ? 'success' : phase === 'Failed' ? 'danger' : 'info';
  return (
    <Alert variant={variant} isInline title={t('Migration {{name}}: {{phase}}', { name: migration.metadata.name, phase })} data-test="migration-progress"
      {...(variant === 'info' ? { customIcon: <Spinner size="md" aria-label={t('Migrating')} /> } : {})}>
      {ms?.sourceNode && <p>{t('From {{source}} to {{target}}', { source: ms.sourceNode, target: ms.targetNode ?? '-' })}</p>}
      {ms?.failureReason && <p>{ms.failureReason}</p>}
    </Alert>
  );
}
