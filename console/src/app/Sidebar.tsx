// The left navigation: the perspective (Administrator) and the groups of nav.ts.
import type { ReactNode } from 'react';
import { Nav, NavExpandable, NavItem, NavList, PageSidebar, PageSidebarBody, MenuToggle } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { isActive, navGroups } from './nav';
import { RouterAnchor, useLocation } from './router';
import { ALL_NAMESPACES, useActiveProject } from './project';

export function Sidebar(): ReactNode {
  const { t } = useTranslation();
  const path = useLocation();
  const project = useActiveProject();
  const ns = project === ALL_NAMESPACES ? 'default' : project;
  return (
    <PageSidebar>
      <PageSidebarBody>
        <div className="vn-perspective">
          <MenuToggle isFullWidth variant="plainText" aria-label={t('Administrator')} data-test="perspective">{t('Administrator')}</MenuToggle>
        </div>
        <Nav aria-label="Global">
          <NavList>
            {navGroups.map((g) => {
              const active = g.items.some((i) => isActive(i, path, ns));
              return (
                <NavExpandable key={g.label} title={t(g.label)} isActive={active} isExpanded>
                  {g.items.map((i) => {
                    const href = i.href.replace('{ns}', encodeURIComponent(project === ALL_NAMESPACES ? ALL_NAMESPACES : ns)).replace(`/k8s/ns/${encodeURIComponent(ALL_NAMESPACES)}/`, '/k8s/all-namespaces/');
                    return (
                      <NavItem key={i.href} isActive={isActive(i, path, ns)} to={href} component={RouterAnchor}>
                        {t(i.label)}
                      </NavItem>
                    );
                  })}
                </NavExpandable>
              );
            })}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
}
