// Virtualization → VirtualMachines: every VM of the project (or all projects) with its VMI's node and
// addresses, live from two watches; virtualized so 1,000 VMs stay smooth.
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { PageSection } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { VMIModel, VMIMModel, VMModel } from '../../api/models';
import type { K8sObject } from '../../api/types';
import { useWatch } from '../../hooks/useWatch';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Age } from '../../components/Age';
import { VirtualizedTable, type VirtualColumn } from '../../components/VirtualizedTable';
import { Link } from '../../app/router';
import { listNamespace, useActiveProject } from '../../app/project';
import { latestMigration, vmiIps, type MigrationObj, type VmiObj } from '../../models/vm-status';
import { VmStatus } from './VmStatus';
import { vmActionItems } from './vm-actions';

interface Row {
  key: string;
  vm: K8sObject;
  vmi: K8sObject | undefined;
}

export const vmPath = (ns: string, name: string, tab?: string): string =>
  `/k8s/ns/${encodeURIComponent(ns)}/virtualmachines/${encodeURIComponent(name)}${tab ? `/${tab}` : ''}`;

export function VmListPage(): ReactNode {
  const { t } = useTranslation();
  const ns = listNamespace(useActiveProject());
  const [vms, loaded, error] = useWatch(VMModel, ns);
  const [vmis] = useWatch(VMIModel, ns);
  const [migrations] = useWatch(VMIMModel, ns);
  const [actionError, setActionError] = useState<unknown>();

  // rows whose VM and VMI did not change keep their identity, so the table re-renders only changed rows
  const previous = useRef(new Map<string, Row>());
  const rows = useMemo(() => {
    const byKey = new Map(vmis.map((v) => [`${v.metadata.namespace ?? ''}/${v.metadata.name}`, v]));
    const next = new Map<string, Row>();
    const list = vms.map((vm): Row => {
      const key = `${vm.metadata.namespace ?? ''}/${vm.metadata.name}`;
      const vmi = byKey.get(key);
      const old = previous.current.get(key);
      const row = old && old.vm === vm && old.vmi === vmi ? old : { key, vm, vmi };
      next.set(key, row);
      return row;
    });
    previous.current = next;
    return list;
  }, [vms, vmis]);

  const columns = useMemo((): VirtualColumn<Row>[] => [
    { id: 'name', title: t('Name'), width: 15, sortValue: (r) => r.vm.metadata.name, render: (r) => <Link to={vmPath(r.vm.metadata.namespace ?? '', r.vm.metadata.name)} data-test="vm-link">{r.vm.metadata.name}</Link> },
    { id: 'namespace', title: t('Namespace'), width: 15, sortValue: (r) => r.vm.metadata.namespace ?? '', render: (r) => r.vm.metadata.namespace },
    { id: 'status', title: t('Status'), width: 15, sortValue: (r) => String(r.vm.status?.printableStatus ?? ''), render: (r) => <VmStatus status={r.vm.status?.printableStatus as string | undefined} /> },
    { id: 'node', title: t('Node'), width: 15, sortValue: (r) => String(r.vmi?.status?.nodeName ?? ''), render: (r) => r.vmi?.status?.nodeName ?? '-' },
    { id: 'ip', title: t('IP address'), width: 20, render: (r) => vmiIps(r.vmi as unknown as VmiObj | undefined).join(', ') || '-' },
    { id: 'created', title: t('Created'), width: 15, sortValue: (r) => r.vm.metadata.creationTimestamp ?? '', render: (r) => <Age ts={r.vm.metadata.creationTimestamp} /> },
  ], [t]);

  const actions = useCallback((r: Row) => vmActionItems(t, r.vm, r.vmi,
    latestMigration(migrations as unknown as MigrationObj[], r.vm.metadata.name) as unknown as K8sObject | undefined, setActionError), [t, migrations]);

  return (
    <>
      <PageHeading title={t('VirtualMachines')} namespaced />
      <PageSection>
        <ErrorAlert error={error} />
        <ErrorAlert error={actionError} />
        <VirtualizedTable<Row> items={rows} columns={columns} rowKey={(r) => r.key} nameOf={(r) => r.vm.metadata.name}
          rowActions={actions} ariaLabel={t('VirtualMachines')} loaded={loaded} />
      </PageSection>
    </>
  );
}
