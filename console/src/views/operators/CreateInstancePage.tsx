// "Create instance" of an operator's provided API (`…/:api/~new`): Form view (Name, defaulting to the
// instance the guide creates, `nmstate`; labels) or YAML view; Create (作成) posts it and returns to the tab.
import { useState, type ReactNode } from 'react';
import {
  ActionGroup, Alert, Bullseye, Button, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, PageSection, Radio,
  Spinner, TextArea, TextInput,
} from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';
import { CSVModel, modelFor } from '../../api/models';
import { k8sCreate } from '../../api/client';
import type { K8sObject } from '../../api/types';
import { useWatchOne } from '../../hooks/useWatch';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { navigate } from '../../app/router';
import { defaultInstance, providedAPIs, type CsvLike, type InstanceObject } from '../../models/operator-csv';
import { parseLabel } from '../../models/node-labels';
import { operatorPath } from './InstalledOperatorsPage';

export function CreateInstancePage({ params }: { params: Record<string, string> }): ReactNode {
  const { t } = useTranslation();
  const [obj, loaded, error] = useWatchOne(CSVModel, params.name ?? '', params.ns ?? '');
  const csv = obj as unknown as CsvLike | undefined;
  const api = csv ? providedAPIs(csv).find((a) => a.slug === params.api) : undefined;
  const [view, setView] = useState<'form' | 'yaml'>('form');
  const [draft, setDraft] = useState<InstanceObject | undefined>();
  const [labelsText, setLabelsText] = useState('');
  const [yamlText, setYamlText] = useState('');
  const [yamlError, setYamlError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState<unknown>();

  if (!loaded && !error) return <Bullseye><Spinner aria-label={t('Loading')} /></Bullseye>;
  if (!csv || !api) {
    return <PageSection><ErrorAlert error={error ?? new Error(t('No such API {{api}} on this operator', { api: params.api ?? '' }))} /></PageSection>;
  }
  const model = modelFor(`${api.group}/${api.version}`, api.kind);
  const current = draft ?? defaultInstance(api);
  const labelErrors = labelsText.split(',').map((s) => s.trim()).filter(Boolean).flatMap((s) => { const r = parseLabel(s); return r.ok ? [] : r.errors; });

  /** The form's object (labels from the comma-separated `key=value` list). */
  const fromForm = (): InstanceObject => {
    const labels: Record<string, string> = {};
    for (const s of labelsText.split(',').map((x) => x.trim()).filter(Boolean)) {
      const r = parseLabel(s);
      if (r.ok) labels[r.key] = r.value;
    }
    const { labels: _old, ...meta } = current.metadata;
    void _old;
    return { ...current, metadata: Object.keys(labels).length ? { ...meta, labels } : meta };
  };

  const switchTo = (v: 'form' | 'yaml'): void => {
    if (v === view) return;
    if (v === 'yaml') {
      setYamlText(stringify(fromForm()));
    } else {
      try {
        const o = parse(yamlText) as InstanceObject;
        setDraft(o);
        setLabelsText(Object.entries(o.metadata?.labels ?? {}).map(([k, val]) => (val ? `${k}=${val}` : k)).join(', '));
        setYamlError(undefined);
      } catch (e) {
        setYamlError((e as Error).message);
        return;
      }
    }
    setView(v);
  };

  const create = async (): Promise<void> => {
    let body: InstanceObject;
    if (view === 'yaml') {
      try {
        body = parse(yamlText) as InstanceObject;
      } catch (e) {
        setYamlError((e as Error).message);
        return;
      }
    } else {
      if (labelErrors.length) return;
      body = fromForm();
    }
    if (!model) return;
    setBusy(true);
    setCreateError(undefined);
    try {
      const sent = { ...body, metadata: { ...body.metadata, ...(model.namespaced ? { namespace: csv.metadata.namespace } : {}) } } as K8sObject;
      await k8sCreate(model, sent);
      navigate(operatorPath(csv, `/${api.slug}`));
    } catch (e) {
      setCreateError(e);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title={t('Create {{kind}}', { kind: api.displayName })}>
        <p className="pf-v6-u-mt-sm">{api.description}</p>
      </PageHeading>
      <PageSection>
        <Form onSubmit={(e) => { e.preventDefault(); void create(); }} style={{ maxWidth: '44rem' }}>
          <FormGroup label={t('Configure via:')} role="radiogroup" fieldId="configure-via" isInline>
            <Radio id="configure-via-form" name="configure-via" label={t('Form view')} isChecked={view === 'form'} onChange={() => switchTo('form')} />
            <Radio id="configure-via-yaml" name="configure-via" label={t('YAML view')} isChecked={view === 'yaml'} onChange={() => switchTo('yaml')} />
          </FormGroup>
          {yamlError && <Alert variant="danger" isInline title={yamlError} />}
          {view === 'form' ? (
            <>
              <FormGroup label={t('Name')} fieldId="instance-name" isRequired>
                <TextInput id="instance-name" isRequired value={current.metadata.name}
                  onChange={(_e, v) => setDraft({ ...current, metadata: { ...current.metadata, name: v } })} />
              </FormGroup>
              <FormGroup label={t('Labels')} fieldId="instance-labels">
                <TextInput id="instance-labels" value={labelsText} placeholder="app=frontend" validated={labelErrors.length ? 'error' : 'default'}
                  onChange={(_e, v) => setLabelsText(v)} />
                <FormHelperText>
                  <HelperText>
                    {labelErrors.length
                      ? labelErrors.map((m, i) => <HelperTextItem key={i} variant="error">{m}</HelperTextItem>)
                      : <HelperTextItem>{t('Comma-separated key=value labels.')}</HelperTextItem>}
                  </HelperText>
                </FormHelperText>
              </FormGroup>
            </>
          ) : (
            <FormGroup label={t('YAML')} fieldId="instance-yaml">
              <TextArea id="instance-yaml" value={yamlText} onChange={(_e, v) => setYamlText(v)} rows={16} spellCheck={false}
                style={{ fontFamily: 'var(--pf-t--global--font--family--mono)' }} />
            </FormGroup>
          )}
          <ErrorAlert error={createError} />
          <ActionGroup>
            <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy}>{t('Create')}</Button>
            <Button variant="link" onClick={() => navigate(operatorPath(csv, `/${api.slug}`))}>{t('Cancel')}</Button>
          </ActionGroup>
        </Form>
      </PageSection>
    </>
  );
}
