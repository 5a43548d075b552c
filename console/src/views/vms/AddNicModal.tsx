// "Add network interface" (reference §5, kubevirt-plugin NetworkInterfaceModal): Name, Model, Network
// (Pod Networking only while the VM has none; NADs of the VM's project and the global namespaces), the
// inferred Type, and Advanced → MAC address. Save appends the interface and its network with a JSON patch.
import { useMemo, useState, type ReactNode } from 'react';
import { Button, ExpandableSection, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, MenuToggle, Modal, ModalBody, ModalFooter, ModalHeader, Select, SelectList, SelectOption, TextInput } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { k8sPatch } from '../../api/client';
import { NADModel, VMModel } from '../../api/models';
import type { K8sObject } from '../../api/types';
import { useWatch } from '../../hooks/useWatch';
import { ErrorAlert } from '../../components/ErrorAlert';
import { addNicPatch, bindingTitle, generateNicName, NIC_MODELS, networkOptions, POD_NETWORK, validateNic, vmInterfaces, type NicField, type NicForm, type NicModel, type VmLike } from '../../models/vm-nic';
import { tKey } from '../../i18n';

// The validation messages of models/vm-nic.ts, marked for translation.
tKey('Name is required');
tKey('Name must consist of lower case alphanumeric characters or "-", and start and end with an alphanumeric character');
tKey('Name must be no more than 63 characters');
tKey('A network interface with this name already exists');
tKey('Network is required');
tKey('Invalid MAC address format');
tKey('Bridge');
tKey('Masquerade');
tKey('SR-IOV');

export function AddNicModal({ vm, onClose }: { vm: K8sObject; onClose: () => void }): ReactNode {
  const { t } = useTranslation();
  const v = vm as unknown as VmLike;
  const ns = vm.metadata.namespace ?? 'default';
  const [own] = useWatch(NADModel, ns);
  const [global] = useWatch(ns === 'default' ? undefined : NADModel, 'default');
  const options = useMemo(() => networkOptions(v, ns === 'default' ? own : [...own, ...global]), [v, own, global, ns]);
  const [form, setForm] = useState<NicForm>(() => ({ name: generateNicName(Math.random, vmInterfaces(v).map((i) => i.name)), model: 'virtio', network: '', macAddress: '' }));
  const [touched, setTouched] = useState<Partial<Record<NicField, boolean>>>({});
  const [netOpen, setNetOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const errors = validateNic(v, form, options);
  const shown = (f: NicField): string | undefined => (touched[f] ? errors[f] : undefined);
  const selected = options.find((o) => o.value === form.network);
  const set = (patch: Partial<NicForm>, field: NicField): void => { setForm({ ...form, ...patch }); setTouched({ ...touched, [field]: true }); };

  const save = async (): Promise<void> => {
    setTouched({ name: true, network: true, macAddress: true });
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      await k8sPatch(VMModel, vm.metadata.name, ns, addNicPatch(v, form, options), 'json');
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const helper = (f: NicField): ReactNode => shown(f)
    ? <FormHelperText><HelperText><HelperTextItem variant="error">{t(shown(f)!)}</HelperTextItem></HelperText></FormHelperText>
    : null;

  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="add-nic-title">
      <ModalHeader title={t('Add network interface')} labelId="add-nic-title" />
      <ModalBody>
        <Form id="add-nic-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <FormGroup label={t('Name')} fieldId="nic-name" isRequired>
            <TextInput id="nic-name" value={form.name} onChange={(_e, x) => set({ name: x }, 'name')} validated={shown('name') ? 'error' : 'default'} isRequired />
            {helper('name')}
          </FormGroup>
          <FormGroup label={t('Model')} fieldId="nic-model">
            <FormSelect id="nic-model" value={form.model} onChange={(_e, x) => setForm({ ...form, model: x as NicModel })}>
              {NIC_MODELS.map((m) => <FormSelectOption key={m} value={m} label={m} />)}
            </FormSelect>
          </FormGroup>
          <FormGroup label={t('Network')} fieldId="nic-network" isRequired>
            <Select isOpen={netOpen} onOpenChange={setNetOpen} selected={form.network} popperProps={{ appendTo: 'inline' }}
              onSelect={(_e, x) => { set({ network: String(x) }, 'network'); setNetOpen(false); }}
              toggle={(ref) => (
                <MenuToggle ref={ref} id="nic-network" onClick={() => setNetOpen(!netOpen)} isExpanded={netOpen} isFullWidth
                  {...(shown('network') ? { status: 'danger' as const } : {})}>
                  {selected ? (selected.value === POD_NETWORK ? t('Pod Networking') : selected.label) : t('Select a network')}
                </MenuToggle>
              )}>
              <SelectList aria-label={t('Network')}>
                {options.length === 0 && <SelectOption isDisabled value="">{t('No networks available')}</SelectOption>}
                {options.map((o) => (
                  <SelectOption key={o.value} value={o.value} description={t('{{type}} Binding', { type: t(bindingTitle(o.binding)) })}>
                    {o.value === POD_NETWORK ? t('Pod Networking') : o.label}
                  </SelectOption>
                ))}
              </SelectList>
            </Select>
            {helper('network')}
          </FormGroup>
          <FormGroup label={t('Type')} fieldId="nic-type">
            <span id="nic-type" data-test="nic-type">{selected ? t(bindingTitle(selected.binding)) : '-'}</span>
          </FormGroup>
          <ExpandableSection toggleText={t('Advanced')}>
            <FormGroup label={t('MAC address')} fieldId="nic-mac">
              <TextInput id="nic-mac" value={form.macAddress} onChange={(_e, x) => set({ macAddress: x }, 'macAddress')} validated={shown('macAddress') ? 'error' : 'default'} />
              {helper('macAddress')}
            </FormGroup>
          </ExpandableSection>
          <ErrorAlert error={error} />
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" type="submit" form="add-nic-form" isDisabled={busy} isLoading={busy}>{t('Save')}</Button>
        <Button variant="link" onClick={onClose}>{t('Cancel')}</Button>
      </ModalFooter>
    </Modal>
  );
}
