// A node's kebab menu (list rows and the details page): Edit labels.
import { useState, type ReactNode } from 'react';
import { Dropdown, DropdownItem, DropdownList, MenuToggle } from '@patternfly/react-core';
import { EllipsisVIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import { NodeModel } from '../../api/models';
import type { K8sObject } from '../../api/types';
import { EditLabelsModal } from './EditLabelsModal';

export function NodeActions({ node, kebab = true }: { node: K8sObject; kebab?: boolean }): ReactNode {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  return (
    <>
      <Dropdown isOpen={open} onOpenChange={setOpen} popperProps={{ position: 'right' }}
        onSelect={() => setOpen(false)}
        toggle={(ref) => (
          <MenuToggle ref={ref} variant={kebab ? 'plain' : 'default'} onClick={() => setOpen(!open)} isExpanded={open}
            aria-label={kebab ? t('Actions') : undefined} icon={kebab ? <EllipsisVIcon /> : undefined}>
            {kebab ? undefined : t('Actions')}
          </MenuToggle>
        )}>
        <DropdownList>
          <DropdownItem value="edit-labels" onClick={() => setEditing(true)}>{t('Edit labels')}</DropdownItem>
        </DropdownList>
      </Dropdown>
      {editing && <EditLabelsModal model={NodeModel} obj={node} onClose={() => setEditing(false)} />}
    </>
  );
}
