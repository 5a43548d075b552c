// One policy: its details, near-miss hint, conditions, and the enactment of each node (status, reason,
// message), live.
import type { ReactNode } from 'react';
import {
  CodeBlock, CodeBlockCode, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, Label, LabelGroup,
  PageSection, Spinner, Title, Flex, FlexItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { stringify } from 'yaml';
import { NNCEModel, NNCPModel, NodeModel } from '../../api/models';
import type { Condition } from '../../api/types';
import { useWatch, useWatchOne } from '../../hooks/useWatch';
import { navigate } from '../../app/router';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Age } from '../../components/Age';
import { enactmentState, enactmentsOf, nodeOfEnactment, policyState } from '../../models/nncp-status';
import { matchingNodes } from '../../models/nncp-near-miss';
import { NearMissAlert, StateLabel, nodeLabelsOf } from './NmstateLabels';
import { PolicyKebab } from './PolicyActions';

export function PolicyDetailsPage({ params }: { params: Record<string, string> }): ReactNode {
  const { t } = useTranslation();
  const name = params.name ?? '';
  const [policy, loaded, error] = useWatchOne(NNCPModel, name);
  const [nnces] = useWatch(NNCEModel);
  const [nodeObjs] = useWatch(NodeModel);
  const nodes = nodeLabelsOf(nodeObjs);
  if (!loaded) return <PageSection><Spinner size="lg" aria-label={t('Loading')} /></PageSection>;
  if (!policy) {
    return (
      <>
        <PageHeading title={name} />
        <PageSection><ErrorAlert error={error ?? new Error(t('NodeNetworkConfigurationPolicy {{name}} not found', { name }))} /></PageSection>
      </>
    );
  }
  const s = policyState(policy);
  const selector = policy.spec?.nodeSelector as Record<string, string> | undefined;
  const matched = matchingNodes(selector, nodes);
  const mine = enactmentsOf(name, nnces).sort((a, b) => nodeOfEnactment(a).localeCompare(nodeOfEnactment(b)));
  const conditions = (policy.status?.conditions ?? []) as Condition[];
  return (
    <>
      <PageHeading
        title={<Flex spaceItems={{ default: 'spaceItemsSm' }} alignItems={{ default: 'alignItemsCenter' }}><FlexItem>{name}</FlexItem><FlexItem><StateLabel state={s.state} testId="nncp-status" /></FlexItem></Flex>}
        actions={<PolicyKebab name={name} onDeleted={() => navigate('/nmstate/policies')} />}
      />
      <PageSection>
        <NearMissAlert selector={selector} nodes={nodes} matched={matched.length} />
        <Title headingLevel="h2" style={{ margin: 'var(--pf-t--global--spacer--lg) 0 var(--pf-t--global--spacer--sm)' }}>{t('Details')}</Title>
        <DescriptionList isHorizontal isCompact>
          <DescriptionListGroup><DescriptionListTerm>{t('Name')}</DescriptionListTerm><DescriptionListDescription>{name}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>{t('Description')}</DescriptionListTerm><DescriptionListDescription>{policy.metadata.annotations?.description ?? '-'}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup>
            <DescriptionListTerm>{t('Node selector')}</DescriptionListTerm>
            <DescriptionListDescription>
              {selector && Object.keys(selector).length > 0
                ? <LabelGroup>{Object.entries(selector).map(([k, v]) => <Label key={k} isCompact>{`${k}=${v}`}</Label>)}</LabelGroup>
                : t('All nodes')}
            </DescriptionListDescription>
          </DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>{t('Matched nodes')}</DescriptionListTerm><DescriptionListDescription data-test="matched-nodes">{matched.join(', ') || t('None')}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>{t('Status')}</DescriptionListTerm><DescriptionListDescription>{s.reason ? `${s.reason}: ${s.message ?? ''}` : '-'}</DescriptionListDescription></DescriptionListGroup>
          <DescriptionListGroup><DescriptionListTerm>{t('Created')}</DescriptionListTerm><DescriptionListDescription><Age ts={policy.metadata.creationTimestamp} /></DescriptionListDescription></DescriptionListGroup>
        </DescriptionList>

        <Title headingLevel="h2" style={{ margin: 'var(--pf-t--global--spacer--lg) 0 var(--pf-t--global--spacer--sm)' }}>{t('Conditions')}</Title>
        <Table aria-label={t('Conditions')} variant="compact" data-test="conditions">
          <Thead><Tr><Th>{t('Type')}</Th><Th>{t('Status')}</Th><Th>{t('Reason')}</Th><Th>{t('Message')}</Th><Th>{t('Updated')}</Th></Tr></Thead>
          <Tbody>
            {conditions.map((c) => (
              <Tr key={c.type}><Td>{c.type}</Td><Td>{c.status}</Td><Td>{c.reason ?? '-'}</Td><Td>{c.message ?? '-'}</Td><Td><Age ts={c.lastTransitionTime} /></Td></Tr>
            ))}
          </Tbody>
        </Table>

        <Title headingLevel="h2" style={{ margin: 'var(--pf-t--global--spacer--lg) 0 var(--pf-t--global--spacer--sm)' }}>{t('Enactments')}</Title>
        {mine.length === 0 ? <p>{t('No enactments')}</p> : (
          <Table aria-label={t('Enactments')} variant="compact" data-test="enactments">
            <Thead><Tr><Th>{t('Node')}</Th><Th>{t('Status')}</Th><Th>{t('Reason')}</Th><Th>{t('Message')}</Th></Tr></Thead>
            <Tbody>
              {mine.map((e) => {
                const es = enactmentState(e);
                return (
                  <Tr key={e.metadata.name} data-test={`nnce-${nodeOfEnactment(e)}`}>
                    <Td dataLabel={t('Node')}>{nodeOfEnactment(e)}</Td>
                    <Td dataLabel={t('Status')}><StateLabel state={es.state} /></Td>
                    <Td dataLabel={t('Reason')}>{es.reason ?? '-'}</Td>
                    <Td dataLabel={t('Message')} modifier="breakWord">{es.message ?? '-'}</Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}

        <Title headingLevel="h2" style={{ margin: 'var(--pf-t--global--spacer--lg) 0 var(--pf-t--global--spacer--sm)' }}>{t('Desired state')}</Title>
        <CodeBlock><CodeBlockCode>{stringify(policy.spec?.desiredState ?? {})}</CodeBlockCode></CodeBlock>
      </PageSection>
    </>
  );
}
