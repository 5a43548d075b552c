// The kebab of a policy (Edit YAML, Delete) and the delete confirmation.
import { useState, type ReactNode } from 'react';
import { Button, Dropdown, DropdownItem, DropdownList, MenuToggle, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { EllipsisVIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import { NNCPModel } from '../../api/models';
import { k8sDelete } from '../../api/client';
import { navigate } from '../../app/router';
import { ErrorAlert } from '../../components/ErrorAlert';

export function DeletePolicyModal({ name, onClose, onDeleted }: { name: string; onClose: () => void; onDeleted?: () => void }): ReactNode {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const remove = async (): Promise<void> => {
    setBusy(true);
    try {
      await k8sDelete(NNCPModel, name);
      onClose();
      onDeleted?.();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="delete-nncp-title">
      <ModalHeader title={t('Delete NodeNetworkConfigurationPolicy?')} titleIconVariant="warning" labelId="delete-nncp-title" />
      <ModalBody>
        <p>{t('Are you sure you want to delete {{name}}? The nodes keep their configuration: undo it with a policy that sets the interfaces absent.', { name })}</p>
        <ErrorAlert error={error} />
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" onClick={() => void remove()} isLoading={busy} isDisabled={busy}>{t('Delete')}</Button>
        <Button variant="link" onClick={onClose}>{t('Cancel')}</Button>
      </ModalFooter>
    </Modal>
  );
}

export function PolicyKebab({ name, onDeleted }: { name: string; onDeleted?: () => void }): ReactNode {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <>
      <Dropdown
        isOpen={open}
        onOpenChange={setOpen}
        popperProps={{ position: 'right' }}
        toggle={(ref) => (
          <MenuToggle ref={ref} variant="plain" aria-label={t('Actions for {{name}}', { name })} onClick={() => setOpen(!open)} isExpanded={open} icon={<EllipsisVIcon />} />
        )}
      >
        <DropdownList>
          <DropdownItem onClick={() => { setOpen(false); navigate(`/nmstate/policies/${encodeURIComponent(name)}/yaml`); }}>{t('Edit YAML')}</DropdownItem>
          <DropdownItem onClick={() => { setOpen(false); setDeleting(true); }}>{t('Delete')}</DropdownItem>
        </DropdownList>
      </Dropdown>
      {deleting && <DeletePolicyModal name={name} onClose={() => setDeleting(false)} {...(onDeleted ? { onDeleted } : {})} />}
    </>
  );
}
