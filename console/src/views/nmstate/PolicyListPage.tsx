// Networking → NodeNetworkConfigurationPolicy: name, status with reason, matched nodes, enactment states
// per node (popover per state), a near-miss hint when the selector misses, the Create dropdown and a kebab.
import { useState, type ReactNode } from 'react';
import { Dropdown, DropdownItem, DropdownList, EmptyState, EmptyStateBody, MenuToggle, PageSection, Spinner } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { NNCEModel, NNCPModel, NodeModel } from '../../api/models';
import { useWatch } from '../../hooks/useWatch';
import { Link, navigate } from '../../app/router';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Age } from '../../components/Age';
import { enactmentsOf, policyState } from '../../models/nncp-status';
import { matchingNodes } from '../../models/nncp-near-miss';
import { EnactmentStates, NearMissAlert, StateLabel, nodeLabelsOf } from './NmstateLabels';
import { PolicyKebab } from './PolicyActions';

export function CreatePolicyDropdown(): ReactNode {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Dropdown
      isOpen={open}
      onOpenChange={setOpen}
      popperProps={{ position: 'right' }}
      toggle={(ref) => <MenuToggle ref={ref} variant="primary" onClick={() => setOpen(!open)} isExpanded={open}>{t('Create')}</MenuToggle>}
    >
      <DropdownList>
        <DropdownItem onClick={() => navigate('/nmstate/policies/~new')}>{t('From Form')}</DropdownItem>
        <DropdownItem onClick={() => navigate('/nmstate/policies/~new/yaml')}>{t('With YAML')}</DropdownItem>
      </DropdownList>
    </Dropdown>
  );
}

export function PolicyListPage(): ReactNode {
  const { t } = useTranslation();
  const [policies, loaded, error] = useWatch(NNCPModel);
  const [nnces] = useWatch(NNCEModel);
  const [nodeObjs] = useWatch(NodeModel);
  const nodes = nodeLabelsOf(nodeObjs);
  const sorted = [...policies].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return (
    <>
      <PageHeading title={t('NodeNetworkConfigurationPolicy')} actions={<CreatePolicyDropdown />} />
      <PageSection>
        <ErrorAlert error={error} />
        {!loaded && !error && <Spinner size="lg" aria-label={t('Loading')} />}
        {loaded && sorted.length === 0 && (
          <EmptyState titleText={t('No NodeNetworkConfigurationPolicies found')} headingLevel="h2">
            <EmptyStateBody>{t('A policy describes the network configuration wanted on the nodes its node selector picks.')}</EmptyStateBody>
          </EmptyState>
        )}
        {sorted.length > 0 && (
          <Table aria-label={t('NodeNetworkConfigurationPolicy')} data-test="nncp-table">
            <Thead>
              <Tr>
                <Th width={20}>{t('Name')}</Th><Th width={25}>{t('Status')}</Th><Th width={15}>{t('Matched nodes')}</Th><Th>{t('Enactment states')}</Th><Th>{t('Created')}</Th><Th screenReaderText={t('Actions')} />
              </Tr>
            </Thead>
            <Tbody>
              {sorted.map((p) => {
                const name = p.metadata.name;
                const s = policyState(p);
                const selector = p.spec?.nodeSelector as Record<string, string> | undefined;
                const matched = matchingNodes(selector, nodes);
                return (
                  <Tr key={name} data-test={`nncp-row-${name}`}>
                    <Td dataLabel={t('Name')}><Link to={`/nmstate/policies/${encodeURIComponent(name)}`}>{name}</Link></Td>
                    <Td dataLabel={t('Status')}>
                      <StateLabel state={s.state} reason={s.reason} testId="nncp-status" />
                      <NearMissAlert selector={selector} nodes={nodes} matched={matched.length} compact />
                    </Td>
                    <Td dataLabel={t('Matched nodes')} data-test="matched-nodes">{t('{{n}} nodes', { n: matched.length })}</Td>
                    <Td dataLabel={t('Enactment states')}><EnactmentStates nnces={enactmentsOf(name, nnces)} /></Td>
                    <Td dataLabel={t('Created')}><Age ts={p.metadata.creationTimestamp} /></Td>
                    <Td isActionCell><PolicyKebab name={name} /></Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
