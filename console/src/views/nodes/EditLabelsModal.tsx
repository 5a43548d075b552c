// "Edit labels" for a Node, as the OpenShift console's label modal: the labels as removable chips, an input
// where `key=value` + Enter adds one (Kubernetes' own error words when it is not a valid label), Save sends
// a merge patch of metadata.labels (a removed label set to null).
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import {
  Button, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, Label, LabelGroup, Modal, ModalBody, ModalFooter,
  ModalHeader, TextInput,
} from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { k8sPatch } from '../../api/client';
import type { Model } from '../../api/models';
import type { K8sObject } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatLabel, labelsPatch, parseLabel, withLabel, withoutLabel } from '../../models/node-labels';

export function EditLabelsModal({ model, obj, onClose }: { model: Model; obj: K8sObject; onClose: () => void }): ReactNode {
  const { t } = useTranslation();
  const before = obj.metadata.labels ?? {};
  const [labels, setLabels] = useState<Record<string, string>>(before);
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();

  /** Adds the typed label; returns the labels with it, or undefined (errors shown) when it is not valid. */
  const addTyped = (): Record<string, string> | undefined => {
    if (!text.trim()) return labels;
    const r = parseLabel(text);
    if (!r.ok) {
      setErrors(r.errors);
      return undefined;
    }
    const next = withLabel(labels, r.key, r.value);
    setLabels(next);
    setText('');
    setErrors([]);
    return next;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      addTyped();
    } else if (e.key === 'Backspace' && text === '') {
      const keys = Object.keys(labels);
      const last = keys[keys.length - 1];
      if (last !== undefined) setLabels(withoutLabel(labels, last));
    }
  };

  const save = async (): Promise<void> => {
    const next = addTyped();
    if (!next) return;
    const patch = labelsPatch(before, next);
    if (!patch) return onClose();
    setBusy(true);
    setSaveError(undefined);
    try {
      await k8sPatch(model, obj.metadata.name, obj.metadata.namespace, patch, 'merge');
      onClose();
    } catch (e) {
      setSaveError(e);
      setBusy(false);
    }
  };

  return (
    <Modal variant="small" isOpen onClose={onClose} aria-labelledby="edit-labels-title" data-test="edit-labels-modal">
      <ModalHeader title={t('Edit labels')} labelId="edit-labels-title"
        description={t('Labels help you organize and select resources. Adding labels below will let you query for objects that have similar, overlapping or dissimilar labels.')} />
      <ModalBody>
        <Form onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <FormGroup label={t('{{name}} labels', { name: obj.metadata.name })} fieldId="edit-labels-input">
            <LabelGroup numLabels={50} aria-label={t('Labels')} data-test="label-chips" className="pf-v6-u-mb-sm">
              {Object.entries(labels).map(([k, v]) => (
                <Label key={k} color="blue" variant="outline" onClose={() => setLabels(withoutLabel(labels, k))}
                  closeBtnAriaLabel={t('Remove label {{label}}', { label: formatLabel(k, v) })}>
                  {formatLabel(k, v)}
                </Label>
              ))}
            </LabelGroup>
            <TextInput id="edit-labels-input" aria-label={t('Labels')} placeholder="app=frontend" value={text}
              validated={errors.length ? 'error' : 'default'} onKeyDown={onKeyDown}
              onChange={(_e, v) => { setText(v); if (errors.length) setErrors([]); }} autoFocus />
            <FormHelperText>
              <HelperText>
                {errors.length
                  ? errors.map((m, i) => <HelperTextItem key={i} variant="error" data-test="label-error">{m}</HelperTextItem>)
                  : <HelperTextItem>{t('Type key=value and press Enter to add a label.')}</HelperTextItem>}
              </HelperText>
            </FormHelperText>
          </FormGroup>
        </Form>
        <ErrorAlert error={saveError} />
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" onClick={() => void save()} isLoading={busy} isDisabled={busy}>{t('Save')}</Button>
        <Button variant="link" onClick={onClose}>{t('Cancel')}</Button>
      </ModalFooter>
    </Modal>
  );
}
