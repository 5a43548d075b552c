// Create Network Attachment Definition (the networking console's form): Name, Description, Network Type and,
// for a Linux bridge, Bridge name, VLAN tag number and MAC spoof check. Creates the object nad-form.ts
// builds, then opens its details page.
import { useState, type ReactNode } from 'react';
import { ActionGroup, Button, Checkbox, Form, FormGroup, FormSelect, FormSelectOption, PageSection, TextInput } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { NADModel } from '../../../api/models';
import { k8sCreate } from '../../../api/client';
import type { K8sObject } from '../../../api/types';
import { PageHeading } from '../../../components/PageHeading';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { navigate } from '../../../app/router';
import { BRIDGE_TYPE, NETWORK_TYPES, emptyNadForm, nadFromForm, validateNadForm, type NadFormInput } from '../../../models/nad-form';
import { FieldHelp } from '../FieldError';
import { nadPath } from './NadListPage';

export function NadFormPage({ params }: { params: Record<string, string> }): ReactNode {
  const { t } = useTranslation();
  const ns = params.ns ?? 'default';
  const [form, setForm] = useState<NadFormInput>(emptyNadForm);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const errors = validateNadForm(form);
  const shown = submitted ? errors : {};
  const set = (patch: Partial<NadFormInput>): void => setForm((f) => ({ ...f, ...patch }));

  const create = async (): Promise<void> => {
    setSubmitted(true);
    setError(undefined);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      const created = await k8sCreate(NADModel, nadFromForm(form, ns) as unknown as K8sObject);
      navigate(nadPath(ns, created.metadata.name));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title={t('Create Network Attachment Definition')} namespaced />
      <PageSection>
        <Form onSubmit={(e) => { e.preventDefault(); void create(); }} style={{ maxWidth: '48rem' }} noValidate>
          <FormGroup label={t('Name')} fieldId="nad-name" isRequired>
            <TextInput id="nad-name" value={form.name} onChange={(_e, v) => set({ name: v })} isRequired
              validated={shown.name ? 'error' : 'default'} />
            <FieldHelp error={shown.name} help={t('Networks are not project-bound. Using the same name creates a shared NAD.')} />
          </FormGroup>
          <FormGroup label={t('Description')} fieldId="nad-description">
            <TextInput id="nad-description" value={form.description} onChange={(_e, v) => set({ description: v })} />
          </FormGroup>
          <FormGroup label={t('Network Type')} fieldId="nad-type" isRequired>
            <FormSelect id="nad-type" value={form.networkType} onChange={(_e, v) => set({ networkType: v })}
              validated={shown.networkType ? 'error' : 'default'}>
              <FormSelectOption value="" label={t('Select a network type')} isPlaceholder />
              {NETWORK_TYPES.map((nt) => (
                <FormSelectOption key={nt.value} value={nt.value} isDisabled={!nt.supported}
                  label={nt.supported ? t(nt.label) : t('{{type}} (not supported by virtnet)', { type: t(nt.label) })} />
              ))}
            </FormSelect>
            <FieldHelp error={shown.networkType} />
          </FormGroup>
          {form.networkType === BRIDGE_TYPE && (
            <>
              <FormGroup label={t('Bridge name')} fieldId="nad-bridge" isRequired>
                <TextInput id="nad-bridge" value={form.bridge} onChange={(_e, v) => set({ bridge: v })} isRequired
                  validated={shown.bridge ? 'error' : 'default'} />
                <FieldHelp error={shown.bridge} />
              </FormGroup>
              <FormGroup label={t('VLAN tag number')} fieldId="nad-vlan">
                <TextInput id="nad-vlan" value={form.vlan} onChange={(_e, v) => set({ vlan: v })} inputMode="numeric"
                  validated={shown.vlan ? 'error' : 'default'} />
                <FieldHelp error={shown.vlan} />
              </FormGroup>
              <FormGroup fieldId="nad-macspoofchk">
                <Checkbox id="nad-macspoofchk" label={t('MAC spoof check')} isChecked={form.macspoofchk} onChange={(_e, v) => set({ macspoofchk: v })} />
              </FormGroup>
            </>
          )}
          <ErrorAlert error={error} />
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={busy} isLoading={busy}>{t('Create')}</Button>
            <Button variant="secondary" onClick={() => history.back()}>{t('Cancel')}</Button>
          </ActionGroup>
        </Form>
      </PageSection>
    </>
  );
}
