// The Create UserDefinedNetwork / ClusterUserDefinedNetwork modal (networking console): a primary Layer2
// network with persistent IPAM. UDN: Project name and Subnet (named primary-udn); CUDN: Name, Subnet and the
// Project(s) Match Labels. Creates the object udn-form.ts builds, then opens its details page.
import { useMemo, useState, type ReactNode } from 'react';
import { Alert, Button, ExpandableSection, Form, FormGroup, FormSelect, FormSelectOption, List, ListItem, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { CUDNModel, NamespaceModel, UDNModel } from '../../../api/models';
import { k8sCreate } from '../../../api/client';
import type { K8sObject } from '../../../api/types';
import { useWatch } from '../../../hooks/useWatch';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { navigate } from '../../../app/router';
import { ALL_NAMESPACES, useActiveProject } from '../../../app/project';
import { colorAnimalName } from '../../../models/random-name';
import { PRIMARY_UDN_LABEL, cudnFromForm, cudnNameMessage, matchLabelsMessage, parseMatchLabels, projectMessage, selectedNamespaces, subnetsMessage, udnFromForm } from '../../../models/udn-form';
import type { FieldMessage } from '../../../models/nad-udn-fields';
import { FieldHelp } from '../FieldError';
import { cudnPath, udnPath } from '../nads/NadListPage';

export function UdnCreateModal({ cluster, onClose }: { cluster: boolean; onClose: () => void }): ReactNode {
  const { t } = useTranslation();
  const active = useActiveProject();
  const [namespaces] = useWatch(NamespaceModel);
  const [project, setProject] = useState(active === ALL_NAMESPACES ? '' : active);
  const [name, setName] = useState(() => colorAnimalName('cluster-udn'));
  const [subnets, setSubnets] = useState('');
  const [labels, setLabels] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [review, setReview] = useState(false);

  const names = useMemo(() => namespaces.map((n) => n.metadata.name).sort(), [namespaces]);
  const chosen = namespaces.find((n) => n.metadata.name === project);
  const unlabelled = !cluster && chosen !== undefined && !(PRIMARY_UDN_LABEL in (chosen.metadata.labels ?? {}));
  const errors: Record<string, FieldMessage | undefined> = cluster
    ? { name: cudnNameMessage(name), subnets: subnetsMessage(subnets), labels: matchLabelsMessage(labels) }
    : { project: projectMessage(project), subnets: subnetsMessage(subnets) };
  const shown = (k: string): FieldMessage | undefined => (submitted ? errors[k] : undefined);
  const matching = cluster ? selectedNamespaces(namespaces, parseMatchLabels(labels).labels) : [];
  const kind = cluster ? 'ClusterUserDefinedNetwork' : 'UserDefinedNetwork';

  const create = async (): Promise<void> => {
    setSubmitted(true);
    setError(undefined);
    if (Object.values(errors).some((e) => e !== undefined)) return;
    setBusy(true);
    try {
      if (cluster) {
        const created = await k8sCreate(CUDNModel, cudnFromForm({ name, subnets, matchLabels: labels }) as unknown as K8sObject);
        onClose();
        navigate(cudnPath(created.metadata.name));
      } else {
        const created = await k8sCreate(UDNModel, udnFromForm({ project, subnets }) as unknown as K8sObject);
        onClose();
        navigate(udnPath(project, created.metadata.name));
      }
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="udn-create-title">
      <ModalHeader title={t('Create {{kind}}', { kind })} labelId="udn-create-title" />
      <ModalBody>
        <Form id="udn-create-form" onSubmit={(e) => { e.preventDefault(); void create(); }} noValidate>
          <p>{t('Define the network used by VirtualMachines and Pods to communicate in the given project.')}</p>
          {!cluster && (
            <FormGroup label={t('Project name')} fieldId="udn-project" isRequired>
              <FormSelect id="udn-project" value={project} onChange={(_e, v) => setProject(v)} validated={shown('project') ? 'error' : 'default'}>
                <FormSelectOption value="" label={t('Select a Project')} isPlaceholder />
                {names.map((n) => <FormSelectOption key={n} value={n} label={n} />)}
              </FormSelect>
              <FieldHelp error={shown('project')} />
            </FormGroup>
          )}
          {unlabelled && (
            <Alert variant="warning" isInline isPlain data-test="udn-unlabelled"
              title={t('Project {{project}} lacks the label {{label}}; the network will not be created.', { project, label: PRIMARY_UDN_LABEL })} />
          )}
          {cluster && (
            <FormGroup label={t('Name')} fieldId="cudn-name" isRequired>
              <TextInput id="cudn-name" value={name} onChange={(_e, v) => setName(v)} validated={shown('name') ? 'error' : 'default'} />
              <FieldHelp error={shown('name')} />
            </FormGroup>
          )}
          <FormGroup label={t('Subnet')} fieldId="udn-subnet" isRequired>
            <TextInput id="udn-subnet" value={subnets} onChange={(_e, v) => setSubnets(v)} validated={shown('subnets') ? 'error' : 'default'} />
            <FieldHelp error={shown('subnets')} help={t('Comma-separated CIDRs, at most one per IP family, e.g. 192.168.254.0/24')} />
          </FormGroup>
          {cluster && (
            <FormGroup label={t('Project(s) Match Labels')} fieldId="cudn-labels" isRequired>
              <TextInput id="cudn-labels" value={labels} onChange={(_e, v) => setLabels(v)} validated={shown('labels') ? 'error' : 'default'} />
              <FieldHelp error={shown('labels')} help={t('key=value, separated by commas')} />
              <ExpandableSection isExpanded={review} onToggle={(_e, v) => setReview(v)}
                toggleText={review ? t('Hide selected Namespace(s)') : t('Review selected Namespace(s)')}>
                <List isPlain data-test="cudn-selected">
                  {matching.map((n) => <ListItem key={n}>{n}</ListItem>)}
                  {matching.length === 0 && <ListItem>{t('No matching projects')}</ListItem>}
                </List>
              </ExpandableSection>
            </FormGroup>
          )}
          <ErrorAlert error={error} />
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="udn-create-form" variant="primary" isDisabled={busy} isLoading={busy}>{t('Create')}</Button>
        <Button variant="link" onClick={onClose} isDisabled={busy}>{t('Cancel')}</Button>
      </ModalFooter>
    </Modal>
  );
}
