// The VM actions (Start, Stop, Restart, Migrate) as menu items, enabled per state; failures go to onError.
import type { TFunction } from 'i18next';
import { vmAction } from '../../api/client';
import type { K8sObject } from '../../api/types';
import { actionStates, type MigrationObj, type VmiObj, type VmObj } from '../../models/vm-status';

export type VmActionName = 'start' | 'stop' | 'restart' | 'migrate';

export async function runVmAction(vm: K8sObject, action: VmActionName): Promise<void> {
  await vmAction(vm.metadata.namespace ?? '', vm.metadata.name, action);
}

/** Assignable to PatternFly's IAction (row kebab) and usable as a Dropdown item. */
export interface VmActionItem { id: VmActionName; title: string; isDisabled: boolean; onClick: () => void }

export function vmActionItems(t: TFunction, vm: K8sObject, vmi: K8sObject | undefined, migration: K8sObject | undefined, onError: (e: unknown) => void, onDone?: (a: VmActionName) => void): VmActionItem[] {
  const st = actionStates(vm as unknown as VmObj, vmi as unknown as VmiObj | undefined, migration as unknown as MigrationObj | undefined);
  const item = (a: VmActionName, title: string): VmActionItem => ({
    id: a,
    title,
    isDisabled: !st[a],
    onClick: () => { runVmAction(vm, a).then(() => onDone?.(a), onError); },
  });
  return [item('start', t('Start')), item('stop', t('Stop')), item('restart', t('Restart')), item('migrate', t('Migrate'))];
}
