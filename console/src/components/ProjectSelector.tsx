// "Project: NAME" above namespaced pages, as in the OpenShift console; changing it keeps the page.
import { useState, type ReactNode } from 'react';
import { MenuToggle, Select, SelectList, SelectOption, Divider } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { useProjects } from '../hooks/useProjects';
import { ALL_NAMESPACES, pathInProject, saveProject, useActiveProject } from '../app/project';
import { navigate, useLocation } from '../app/router';

export function ProjectSelector({ allowAll = true }: { allowAll?: boolean }): ReactNode {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const project = useActiveProject();
  const path = useLocation();
  const names = useProjects();
  const label = project === ALL_NAMESPACES ? t('All Projects') : project;
  const choose = (ns: string): void => {
    setOpen(false);
    if (ns !== ALL_NAMESPACES) saveProject(ns);
    navigate(pathInProject(path, ns));
  };
  return (
    <div className="vn-project-bar" data-test="project-bar">
      <Select
        isOpen={open}
        onOpenChange={setOpen}
        onSelect={(_e, v) => choose(String(v))}
        selected={project}
        toggle={(ref) => (
          <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open} variant="plainText" aria-label={t('Project')}>
            {t('Project')}: <strong>{label}</strong>
          </MenuToggle>
        )}
      >
        <SelectList aria-label={t('Project')} style={{ maxHeight: '60vh', overflowY: 'auto' }}>
          {allowAll && <SelectOption value={ALL_NAMESPACES}>{t('All Projects')}</SelectOption>}
          {allowAll && <Divider component="li" />}
          {names.map((n) => <SelectOption key={n} value={n}>{n}</SelectOption>)}
        </SelectList>
      </Select>
    </div>
  );
}
