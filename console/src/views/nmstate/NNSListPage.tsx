// Networking → NodeNetworkState: one row per node, expandable to its interfaces (type, state, addresses,
// ports, MAC), "Expand all", a filter by name/type, and a topology view (?view=topology).
import { useMemo, useState, type ReactNode } from 'react';
import {
  Button, Card, CardBody, CardTitle, EmptyState, FormSelect, FormSelectOption, Label, PageSection, SearchInput,
  Spinner, Stack, StackItem, ToggleGroup, ToggleGroupItem, Toolbar, ToolbarContent, ToolbarItem,
} from '@patternfly/react-core';
import { ExpandableRowContent, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { NNSModel } from '../../api/models';
import type { K8sObject } from '../../api/types';
import { useWatch } from '../../hooks/useWatch';
import { navigate, useLocation } from '../../app/router';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Age } from '../../components/Age';
import { addressesOf, filterInterfaces, interfacesOf, portsOf, typesOf, type NnsInterface } from '../../models/nns-interfaces';
import { NNSTopology } from './NNSTopology';

function InterfacesTable({ node, ifaces }: { node: string; ifaces: NnsInterface[] }): ReactNode {
  const { t } = useTranslation();
  return (
    <Table aria-label={t('Interfaces of {{node}}', { node })} variant="compact" data-test={`interfaces-${node}`}>
      <Thead>
        <Tr>
          <Th>{t('Name')}</Th><Th>{t('Type')}</Th><Th>{t('State')}</Th><Th>{t('IP addresses')}</Th><Th>{t('Ports')}</Th><Th>{t('MAC address')}</Th><Th>{t('MTU')}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {ifaces.map((i) => {
          const { ipv4, ipv6 } = addressesOf(i);
          return (
            <Tr key={i.name} data-test={`iface-${i.name}`}>
              <Td dataLabel={t('Name')}><strong>{i.name}</strong></Td>
              <Td dataLabel={t('Type')}>{i.type}</Td>
              <Td dataLabel={t('State')}><Label isCompact color={i.state === 'up' ? 'green' : 'grey'}>{i.state}</Label></Td>
              <Td dataLabel={t('IP addresses')}>
                {ipv4.map((a) => <div key={a}>{a}</div>)}
                {ipv6.map((a) => <div key={a} style={{ color: 'var(--pf-t--global--text--color--subtle)' }}>{a}</div>)}
                {ipv4.length + ipv6.length === 0 && '-'}
              </Td>
              <Td dataLabel={t('Ports')}>{portsOf(i).join(', ') || '-'}</Td>
              <Td dataLabel={t('MAC address')}><code>{i['mac-address'] ?? '-'}</code></Td>
              <Td dataLabel={t('MTU')}>{i.mtu ?? '-'}</Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
}

export function NNSListPage(): ReactNode {
  const { t } = useTranslation();
  const path = useLocation();
  const view = new URLSearchParams(path.split('?')[1] ?? '').get('view') === 'topology' ? 'topology' : 'list';
  const [states, loaded, error] = useWatch(NNSModel);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [text, setText] = useState('');
  const [type, setType] = useState('');
  const nodes = useMemo(() => [...states].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((s: K8sObject) => ({ obj: s, ifaces: interfacesOf(s) })), [states]);
  const types = typesOf(nodes.map((n) => n.ifaces));
  const filtering = text.trim() !== '' || type !== '';
  const allExpanded = nodes.length > 0 && nodes.every((n) => expanded.has(n.obj.metadata.name));
  const toggle = (name: string): void => {
    const next = new Set(expanded);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setExpanded(next);
  };
  const setView = (v: 'list' | 'topology'): void => navigate(v === 'topology' ? '/nmstate/nodenetworkstates?view=topology' : '/nmstate/nodenetworkstates', true);

  return (
    <>
      <PageHeading title={t('NodeNetworkState')} />
      <PageSection>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <ToggleGroup aria-label={t('View')}>
                <ToggleGroupItem text={t('List')} isSelected={view === 'list'} onChange={() => setView('list')} />
                <ToggleGroupItem text={t('Topology')} isSelected={view === 'topology'} onChange={() => setView('topology')} />
              </ToggleGroup>
            </ToolbarItem>
            <ToolbarItem>
              <SearchInput aria-label={t('Filter interfaces by name, type or IP address')} placeholder={t('Filter interfaces by name, type or IP address')}
                value={text} onChange={(_e, v) => setText(v)} onClear={() => setText('')} />
            </ToolbarItem>
            <ToolbarItem>
              <FormSelect aria-label={t('Interface type')} value={type} onChange={(_e, v) => setType(v)}>
                <FormSelectOption value="" label={t('All interface types')} />
                {types.map((ty) => <FormSelectOption key={ty} value={ty} label={ty} />)}
              </FormSelect>
            </ToolbarItem>
            {view === 'list' && (
              <ToolbarItem>
                <Button variant="link" onClick={() => setExpanded(allExpanded ? new Set() : new Set(nodes.map((n) => n.obj.metadata.name)))}>
                  {allExpanded ? t('Collapse all') : t('Expand all')}
                </Button>
              </ToolbarItem>
            )}
          </ToolbarContent>
        </Toolbar>
        <ErrorAlert error={error} />
        {!loaded && !error && <Spinner size="lg" aria-label={t('Loading')} />}
        {loaded && nodes.length === 0 && (
          <EmptyState titleText={t('No NodeNetworkStates found')} headingLevel="h2">
            {t('Install the NMState operator and create the NMState instance: every node then reports its network state.')}
          </EmptyState>
        )}
        {loaded && nodes.length > 0 && view === 'list' && (
          <Table aria-label={t('NodeNetworkState')} data-test="nns-table">
            <Thead>
              <Tr><Th screenReaderText={t('Expand')} /><Th>{t('Name')}</Th><Th>{t('Interfaces')}</Th><Th>{t('Created')}</Th></Tr>
            </Thead>
            {nodes.map((n, rowIndex) => {
              const name = n.obj.metadata.name;
              const shown = filterInterfaces(n.ifaces, text, type ? [type] : []);
              const open = expanded.has(name) || (filtering && shown.length > 0);
              return (
                <Tbody key={name} isExpanded={open}>
                  <Tr data-test={`nns-row-${name}`}>
                    <Td expand={{ rowIndex, isExpanded: open, onToggle: () => toggle(name), expandId: `nns-${name}` }} />
                    <Td dataLabel={t('Name')}><strong>{name}</strong></Td>
                    <Td dataLabel={t('Interfaces')}>{filtering ? t('{{shown}} of {{total}}', { shown: shown.length, total: n.ifaces.length }) : n.ifaces.length}</Td>
                    <Td dataLabel={t('Created')}><Age ts={n.obj.metadata.creationTimestamp} /></Td>
                  </Tr>
                  <Tr isExpanded={open}>
                    <Td colSpan={4}>
                      {open && <ExpandableRowContent>{shown.length > 0 ? <InterfacesTable node={name} ifaces={shown} /> : <p>{t('No interfaces')}</p>}</ExpandableRowContent>}
                    </Td>
                  </Tr>
                </Tbody>
              );
            })}
          </Table>
        )}
        {loaded && nodes.length > 0 && view === 'topology' && (
          <Stack hasGutter>
            {nodes.map((n) => (
              <StackItem key={n.obj.metadata.name}>
                <Card isCompact>
                  <CardTitle>{n.obj.metadata.name}</CardTitle>
                  <CardBody><NNSTopology node={n.obj.metadata.name} interfaces={filterInterfaces(n.ifaces, text, type ? [type] : [])} /></CardBody>
                </Card>
              </StackItem>
            ))}
          </Stack>
        )}
      </PageSection>
    </>
  );
}
