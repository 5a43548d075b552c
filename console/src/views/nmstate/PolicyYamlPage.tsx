// A policy as YAML: `/nmstate/policies/~new/yaml` creates one from an example, `/nmstate/policies/:name/yaml`
// edits one (PUT with its resourceVersion). Server errors are shown field by field.
import { useEffect, useState, type ReactNode } from 'react';
import { ActionGroup, Button, Form, FormGroup, PageSection, Spinner, TextArea } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';
import { NNCPModel } from '../../api/models';
import { k8sCreate, k8sGet, k8sUpdate } from '../../api/client';
import type { K8sObject } from '../../api/types';
import { navigate } from '../../app/router';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';

export const EXAMPLE_POLICY = `apiVersion: nmstate.io/v1
kind: NodeNetworkConfigurationPolicy
metadata:
  name: br1-eth1-policy
spec:
  nodeSelector:
    node-type: baremetal
  desiredState:
    interfaces:
      - name: br1
        type: linux-bridge
        state: up
        ipv4:
          enabled: false
        bridge:
          options:
            stp:
              enabled: false
          port:
            - name: eth1
`;

function forEditing(obj: K8sObject): string {
  const { metadata, ...rest } = obj;
  const { managedFields: _m, ...meta } = metadata as K8sObject['metadata'] & { managedFields?: unknown };
  return stringify({ ...rest, metadata: meta });
}

export function PolicyYamlPage({ params }: { params: Record<string, string> }): ReactNode {
  const { t } = useTranslation();
  const name = params.name;
  const editing = name !== undefined && name !== '~new';
  const [text, setText] = useState(editing ? '' : EXAMPLE_POLICY);
  const [loaded, setLoaded] = useState(!editing);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (!editing) return;
    k8sGet(NNCPModel, name).then((o) => { setText(forEditing(o)); setLoaded(true); }, (e: unknown) => { setError(e); setLoaded(true); });
  }, [editing, name]);

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const obj = parse(text) as K8sObject | null;
      if (!obj || typeof obj !== 'object' || !obj.metadata?.name) throw new Error(t('The YAML must be a NodeNetworkConfigurationPolicy with metadata.name'));
      const saved = editing ? await k8sUpdate(NNCPModel, obj) : await k8sCreate(NNCPModel, obj);
      navigate(`/nmstate/policies/${encodeURIComponent(saved.metadata.name)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title={editing ? t('Edit NodeNetworkConfigurationPolicy') : t('Create NodeNetworkConfigurationPolicy')} />
      <PageSection>
        {!loaded && <Spinner size="lg" aria-label={t('Loading')} />}
        {loaded && (
          <Form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
            <ErrorAlert error={error} />
            <FormGroup label={t('YAML')} fieldId="nncp-yaml">
              <TextArea id="nncp-yaml" value={text} onChange={(_e, v) => setText(v)} rows={24} spellCheck={false}
                style={{ fontFamily: 'var(--pf-t--global--font--family--mono)' }} />
            </FormGroup>
            <ActionGroup>
              <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy || text.trim() === ''}>{editing ? t('Save') : t('Create')}</Button>
              <Button variant="link" onClick={() => navigate(editing ? `/nmstate/policies/${encodeURIComponent(name)}` : '/nmstate/policies')}>{t('Cancel')}</Button>
            </ActionGroup>
          </Form>
        )}
      </PageSection>
    </>
  );
}
