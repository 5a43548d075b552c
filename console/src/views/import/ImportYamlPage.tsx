// The masthead's (+) Import YAML: several documents, `----` fences stripped with a notice, and a result per
// object with the server's error field by field.
import { useState, type ReactNode } from 'react';
import { ActionGroup, Alert, Button, Form, FormGroup, PageSection, TextArea } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { parseImport } from '../../models/import-yaml';
import { modelFor } from '../../api/models';
import { k8sCreate } from '../../api/client';
import type { K8sObject } from '../../api/types';
import { ALL_NAMESPACES, useActiveProject } from '../../app/project';

interface Outcome {
  index: number;
  kind: string;
  name: string;
  ok: boolean;
  error?: unknown;
}

export function ImportYamlPage(): ReactNode {
  const { t } = useTranslation();
  const project = useActiveProject();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [fences, setFences] = useState(0);
  const [outcomes, setOutcomes] = useState<Outcome[] | undefined>();

  const create = async (): Promise<void> => {
    setBusy(true);
    const parsed = parseImport(text);
    setFences(parsed.strippedFences);
    const results: Outcome[] = [];
    for (const d of parsed.docs) {
      const kind = typeof d.object?.kind === 'string' ? d.object.kind : '';
      const name = typeof d.object?.metadata?.name === 'string' ? d.object.metadata.name : '';
      if (d.error || !d.object) {
        results.push({ index: d.index, kind, name, ok: false, error: new Error(d.error) });
        continue;
      }
      const obj = d.object as unknown as K8sObject;
      const model = modelFor(obj.apiVersion, obj.kind);
      if (!model) {
        results.push({ index: d.index, kind, name, ok: false, error: new Error(t('Unknown kind {{kind}} of {{apiVersion}}', { kind: obj.kind, apiVersion: obj.apiVersion })) });
        continue;
      }
      obj.metadata ??= { name: '' };
      if (model.namespaced && !obj.metadata.namespace && project !== ALL_NAMESPACES) obj.metadata.namespace = project;
      try {
        const created = await k8sCreate(model, obj);
        results.push({ index: d.index, kind, name: created.metadata.name, ok: true });
      } catch (e) {
        results.push({ index: d.index, kind, name, ok: false, error: e });
      }
    }
    setOutcomes(results);
    setBusy(false);
  };

  return (
    <>
      <PageHeading title={t('Import YAML')} namespaced />
      <PageSection>
        {fences > 0 && <Alert variant="info" isInline title={t('Removed {{count}} AsciiDoc ---- fence lines; they are not YAML.', { count: fences })} data-test="fence-notice" />}
        {outcomes && (
          <section aria-label={t('Import YAML results')} data-test="import-results">
            {outcomes.map((o) => o.ok
              ? <Alert key={o.index} variant="success" isInline isPlain title={t('Created {{kind}} {{name}}', { kind: o.kind, name: o.name })} />
              : <ErrorAlert key={o.index} error={o.error} title={o.name ? t('Failed to create {{kind}} {{name}}', { kind: o.kind, name: o.name }) : t('Document {{n}}', { n: o.index })} />)}
            <Button variant="link" onClick={() => { setOutcomes(undefined); setFences(0); }}>{t('Import more YAML')}</Button>
          </section>
        )}
        {!outcomes && (
          <Form onSubmit={(e) => { e.preventDefault(); void create(); }}>
            <FormGroup label={t('YAML')} fieldId="import-yaml">
              <p>{t('Drag and drop YAML or JSON files into the editor, or manually enter files and use --- to separate each definition.')}</p>
              <TextArea id="import-yaml" aria-label={t('YAML')} value={text} onChange={(_e, v) => setText(v)} rows={28}
                style={{ fontFamily: 'var(--pf-t--global--font--family--mono)' }} spellCheck={false} />
            </FormGroup>
            <ActionGroup>
              <Button type="submit" variant="primary" isDisabled={busy || text.trim() === ''} isLoading={busy}>{t('Create')}</Button>
            </ActionGroup>
          </Form>
        )}
      </PageSection>
    </>
  );
}
