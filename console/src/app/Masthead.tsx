// The masthead: brand, Import YAML (+), language switch, user menu.
import { useState, type ReactNode } from 'react';
import {
  Masthead, MastheadMain, MastheadToggle, MastheadBrand, MastheadLogo, MastheadContent, PageToggleButton,
  Toolbar, ToolbarContent, ToolbarGroup, ToolbarItem, Button, Dropdown, DropdownItem, DropdownList, MenuToggle, Tooltip,
} from '@patternfly/react-core';
import { BarsIcon, PlusCircleIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import { setLanguage, type Lang } from '../i18n';
import { navigate } from './router';

export function AppMasthead({ user, onLogout }: { user: string; onLogout: () => void }): ReactNode {
  const { t, i18n } = useTranslation();
  const [langOpen, setLangOpen] = useState(false);
  const [userOpen, setUserOpen] = useState(false);
  const langs: { code: Lang; label: string }[] = [{ code: 'en', label: 'English' }, { code: 'ja', label: '日本語' }];
  const current = langs.find((l) => l.code === i18n.language) ?? langs[0]!;
  return (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton variant="plain" aria-label="Global navigation"><BarsIcon /></PageToggleButton>
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component="a" href="/dashboards" onClick={(e) => { e.preventDefault(); navigate('/dashboards'); }}>
            <span className="vn-brand">virtnet</span>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }}>
              <ToolbarItem>
                <Tooltip content={t('Import YAML')}>
                  <Button variant="plain" aria-label={t('Import YAML')} icon={<PlusCircleIcon />} onClick={() => navigate('/import')} data-test="import-yaml" />
                </Tooltip>
              </ToolbarItem>
              <ToolbarItem>
                <Dropdown isOpen={langOpen} onOpenChange={setLangOpen}
                  onSelect={(_e, v) => { setLanguage(v as Lang); setLangOpen(false); }}
                  toggle={(ref) => <MenuToggle ref={ref} variant="plainText" onClick={() => setLangOpen(!langOpen)} isExpanded={langOpen} aria-label={t('Language')}>{current.label}</MenuToggle>}>
                  <DropdownList>{langs.map((l) => <DropdownItem key={l.code} value={l.code}>{l.label}</DropdownItem>)}</DropdownList>
                </Dropdown>
              </ToolbarItem>
              <ToolbarItem>
                <Dropdown isOpen={userOpen} onOpenChange={setUserOpen} onSelect={() => setUserOpen(false)}
                  toggle={(ref) => <MenuToggle ref={ref} variant="plainText" onClick={() => setUserOpen(!userOpen)} isExpanded={userOpen} data-test="user-menu">{user}</MenuToggle>}>
                  <DropdownList><DropdownItem value="logout" onClick={onLogout}>{t('Log out')}</DropdownItem></DropdownList>
                </Dropdown>
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
}
