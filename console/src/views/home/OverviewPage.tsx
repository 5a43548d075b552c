// Home → Overview: the Status card (nodes Ready, NMState) and the "Cluster inventory" card, live. The guide
// waits here after creating the NMState instance "until no pod is being created": the in-progress count.
import type { ReactNode } from 'react';
import {
  Card, CardBody, CardTitle, Content, Flex, FlexItem, Grid, GridItem, Icon, List, ListItem, PageSection, Spinner,
} from '@patternfly/react-core';
import { CheckCircleIcon, ExclamationCircleIcon, InProgressIcon, OffIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../components/PageHeading';
import { Link } from '../../app/router';
import { useWatch } from '../../hooks/useWatch';
import {
  NMStateModel, NNCEModel, NNSModel, NodeModel, PodModel, VMIModel, VMModel,
} from '../../api/models';
import { countInventory, nmstateHealth, type Inventory, type NMStateHealth } from '../../models/inventory-counts';

function StatusIcon({ kind }: { kind: 'ok' | 'warn' | 'progress' | 'off' }): ReactNode {
  if (kind === 'ok') return <Icon status="success"><CheckCircleIcon /></Icon>;
  if (kind === 'warn') return <Icon status="danger"><ExclamationCircleIcon /></Icon>;
  if (kind === 'progress') return <Icon><InProgressIcon /></Icon>;
  return <Icon><OffIcon /></Icon>;
}

function InventoryRow({ count, label, href, extra, testId }: { count: number; label: string; href?: string; extra?: ReactNode; testId: string }): ReactNode {
  const text = `${count} ${label}`;
  return (
    <ListItem data-test={testId}>
      <Flex justifyContent={{ default: 'justifyContentSpaceBetween' }}>
        <FlexItem>{href ? <Link to={href}>{text}</Link> : text}</FlexItem>
        {extra && <FlexItem>{extra}</FlexItem>}
      </Flex>
    </ListItem>
  );
}

function InventoryCard({ inv, loaded }: { inv: Inventory; loaded: boolean }): ReactNode {
  const { t } = useTranslation();
  return (
    <Card aria-label={t('Cluster inventory')} data-test="cluster-inventory">
      <CardTitle>{t('Cluster inventory')}</CardTitle>
      <CardBody>
        {!loaded ? <Spinner size="md" aria-label={t('Loading')} /> : (
          <List isPlain isBordered>
            <InventoryRow testId="inventory-nodes" count={inv.nodes} label={t('Nodes')} href="/k8s/cluster/nodes"
              extra={inv.nodesNotReady > 0 ? <span><StatusIcon kind="warn" /> {t('{{count}} not ready', { count: inv.nodesNotReady })}</span> : undefined} />
            <InventoryRow testId="inventory-vms" count={inv.vms} label={t('VirtualMachines')} href="/k8s/all-namespaces/virtualmachines" />
            <InventoryRow testId="inventory-vmis" count={inv.vmis} label={t('VirtualMachineInstances')} />
            <InventoryRow testId="inventory-pods" count={inv.pods} label={t('Pods')} />
            <ListItem data-test="inventory-in-progress">
              <Flex justifyContent={{ default: 'justifyContentSpaceBetween' }}>
                <FlexItem>{t('Pods being created')}</FlexItem>
                <FlexItem>
                  <StatusIcon kind={inv.inProgress > 0 ? 'progress' : 'ok'} /> <strong data-test="in-progress-count">{inv.inProgress}</strong>
                </FlexItem>
              </Flex>
              {inv.inProgress > 0 && (
                <Content component="ul" data-test="in-progress-breakdown">
                  {inv.handlersPending > 0 && <Content component="li">{t('NMState handlers starting: {{count}}', { count: inv.handlersPending })}</Content>}
                  {inv.vmisStarting > 0 && <Content component="li">{t('Virtual machine launchers starting: {{count}}', { count: inv.vmisStarting })}</Content>}
                  {inv.enactmentsProgressing > 0 && <Content component="li">{t('Network configurations in progress: {{count}}', { count: inv.enactmentsProgressing })}</Content>}
                  {inv.podsStarting > 0 && <Content component="li">{t('Pods pending: {{count}}', { count: inv.podsStarting })}</Content>}
                </Content>
              )}
            </ListItem>
          </List>
        )}
      </CardBody>
    </Card>
  );
}

function StatusCard({ inv, nmstate, loaded }: { inv: Inventory; nmstate: NMStateHealth; loaded: boolean }): ReactNode {
  const { t } = useTranslation();
  const nodesOk = inv.nodes > 0 && inv.nodesNotReady === 0;
  const nm: Record<NMStateHealth, [string, 'ok' | 'warn' | 'progress' | 'off']> = {
    NotInstalled: [t('Not installed'), 'off'],
    Progressing: [t('Deploying handlers'), 'progress'],
    Available: [t('Installed and available'), 'ok'],
    Degraded: [t('Installed, degraded'), 'warn'],
  };
  return (
    <Card aria-label={t('Status')} data-test="cluster-status">
      <CardTitle>{t('Status')}</CardTitle>
      <CardBody>
        {!loaded ? <Spinner size="md" aria-label={t('Loading')} /> : (
          <Flex spaceItems={{ default: 'spaceItems2xl' }}>
            <FlexItem data-test="status-nodes">
              <StatusIcon kind={nodesOk ? 'ok' : 'warn'} /> <strong>{t('Nodes')}</strong>
              <div>{nodesOk ? t('All nodes are ready') : t('{{ready}} of {{total}} nodes ready', { ready: inv.nodes - inv.nodesNotReady, total: inv.nodes })}</div>
            </FlexItem>
            <FlexItem data-test="status-nmstate">
              <StatusIcon kind={nm[nmstate][1]} /> <strong>NMState</strong>
              <div>{nm[nmstate][0]}</div>
            </FlexItem>
          </Flex>
        )}
      </CardBody>
    </Card>
  );
}

export function OverviewPage(): ReactNode {
  const { t } = useTranslation();
  const [nodes, l1] = useWatch(NodeModel);
  const [vms, l2] = useWatch(VMModel);
  const [vmis, l3] = useWatch(VMIModel);
  const [pods, l4] = useWatch(PodModel);
  const [nnces, l5] = useWatch(NNCEModel);
  const [nmstates, l6] = useWatch(NMStateModel);
  const [nnss, l7] = useWatch(NNSModel);
  const loaded = l1 && l2 && l3 && l4 && l5 && l6 && l7;
  const inv = countInventory({ nodes, vms, vmis, pods, nnces, nmstates, nnss });
  return (
    <>
      <PageHeading title={t('Overview')} />
      <PageSection>
        <Grid hasGutter>
          <GridItem lg={8}><StatusCard inv={inv} nmstate={nmstateHealth(nmstates)} loaded={loaded} /></GridItem>
          <GridItem lg={4}><InventoryCard inv={inv} loaded={loaded} /></GridItem>
        </Grid>
      </PageSection>
    </>
  );
}
