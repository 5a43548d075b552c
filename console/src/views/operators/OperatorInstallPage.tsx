// OperatorHub → Install Operator (`/operatorhub/subscribe?pkg=…`): Update channel, Installation mode,
// Installed Namespace (the package's suggested one by default), Update approval. Install creates the
// namespace when it is missing and the Subscription, then follows the CSV until it has Succeeded.
import { useEffect, useState, type ReactNode } from 'react';
import {
  ActionGroup, Alert, Bullseye, Button, EmptyState, EmptyStateActions, EmptyStateBody, EmptyStateFooter, Form, FormGroup,
  FormHelperText, HelperText, HelperTextItem, PageSection, Radio, Spinner, TextInput,
} from '@patternfly/react-core';
import { CheckCircleIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import { ApiError, k8sCreate, k8sGet } from '../../api/client';
import { CSVModel, NamespaceModel, PackageManifestModel, SubscriptionModel } from '../../api/models';
import type { K8sObject } from '../../api/types';
import { useWatch, useWatchOne } from '../../hooks/useWatch';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import { navigate, useLocation } from '../../app/router';
import {
  GLOBAL_OPERATORS_NAMESPACE, defaultInstallForm, installNamespace, namespaceObject, subscriptionFor, tileOf,
  type InstallForm, type PackageManifestLike,
} from '../../models/operator-catalog';
import { csvOfPackage, csvSummary, type CsvLike } from '../../models/operator-csv';
import { CsvStatus } from './csv-status';

/** Progress after Install: the Subscription's CSV until Succeeded, then "View Operator". */
function InstallProgress({ ns, pkg, displayName }: { ns: string; pkg: string; displayName: string }): ReactNode {
  const { t } = useTranslation();
  const [sub] = useWatchOne(SubscriptionModel, pkg, ns);
  const [csvs] = useWatch(CSVModel, ns);
  const st = sub?.status as { installedCSV?: string; currentCSV?: string; conditions?: { type: string; status: string; message?: string }[] } | undefined;
  const csv = csvOfPackage(csvs as unknown as CsvLike[], ns, pkg, st?.installedCSV ?? st?.currentCSV);
  const failed = st?.conditions?.find((c) => c.type === 'ResolutionFailed' && c.status === 'True');
  const done = csv !== undefined && csvSummary(csv).phase === 'Succeeded';
  return (
    <EmptyState headingLevel="h2" data-test="install-progress"
      titleText={done ? t('Installed operator: ready for use') : t('Installing Operator')}
      {...(done ? { icon: CheckCircleIcon, status: 'success' as const } : {})}>
      <EmptyStateBody>
        <div><strong>{displayName}</strong></div>
        {!done && <Spinner size="lg" aria-label={t('Installing Operator')} className="pf-v6-u-my-md" />}
        {csv && <div>{csv.metadata.name}: <CsvStatus csv={csv} /></div>}
        {!csv && !failed && <div>{t('Waiting for the ClusterServiceVersion')}</div>}
        {failed && <Alert variant="danger" isInline title={failed.message ?? ''} />}
      </EmptyStateBody>
      {done && csv && (
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="primary" onClick={() => navigate(`/operators/installed/${encodeURIComponent(ns)}/${encodeURIComponent(csv.metadata.name)}`)}>{t('View Operator')}</Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      )}
    </EmptyState>
  );
}

export function OperatorInstallPage(): ReactNode {
  const { t } = useTranslation();
  const location = useLocation();
  const pkgName = new URLSearchParams(location.split('?')[1] ?? '').get('pkg') ?? '';
  const [pkgObj, loaded, error] = useWatchOne(PackageManifestModel, pkgName);
  const pkg = pkgObj as unknown as PackageManifestLike | undefined;
  const tile = pkg ? tileOf(pkg) : undefined;
  const [form, setForm] = useState<InstallForm | undefined>();
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState<unknown>();
  const [installed, setInstalled] = useState<string | undefined>();

  useEffect(() => {
    if (tile && !form) setForm(defaultInstallForm(tile));
  }, [tile, form]);

  if (!loaded && !error) return <Bullseye><Spinner aria-label={t('Loading')} /></Bullseye>;
  if (!pkg || !tile) {
    return (
      <>
        <PageHeading title={t('Install Operator')} />
        <PageSection><ErrorAlert error={error ?? new Error(t('Operator {{name}} not found in the catalog', { name: pkgName }))} /></PageSection>
      </>
    );
  }
  if (installed) {
    return (
      <>
        <PageHeading title={t('Install Operator')} />
        <PageSection><InstallProgress ns={installed} pkg={pkg.metadata.name} displayName={tile.displayName} /></PageSection>
      </>
    );
  }
  const f = form ?? defaultInstallForm(tile);
  const set = (patch: Partial<InstallForm>): void => setForm({ ...f, ...patch });
  const ns = installNamespace(f);

  const install = async (): Promise<void> => {
    setBusy(true);
    setCreateError(undefined);
    try {
      try {
        await k8sGet(NamespaceModel, ns);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
        await k8sCreate(NamespaceModel, namespaceObject(ns) as K8sObject);
      }
      await k8sCreate(SubscriptionModel, subscriptionFor(pkg, f) as unknown as K8sObject);
      setInstalled(ns);
    } catch (e) {
      setCreateError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title={t('Install Operator')}>
        <p className="pf-v6-u-mt-sm">{t('Install your Operator by subscribing to one of the update channels to keep the Operator up to date. The strategy determines either manual or automatic updates.')}</p>
      </PageHeading>
      <PageSection>
        <Form onSubmit={(e) => { e.preventDefault(); void install(); }} style={{ maxWidth: '44rem' }}>
          <FormGroup label={t('Operator')} fieldId="install-operator-name">
            <div id="install-operator-name"><strong>{tile.displayName}</strong> {tile.version} · {t('provided by {{provider}}', { provider: tile.provider })}</div>
          </FormGroup>
          <FormGroup label={t('Update channel')} role="radiogroup" fieldId="install-channel" isRequired isStack>
            {tile.channels.map((c) => (
              <Radio key={c} id={`install-channel-${c}`} name="install-channel" label={c} isChecked={f.channel === c} onChange={() => set({ channel: c })} />
            ))}
          </FormGroup>
          <FormGroup label={t('Installation mode')} role="radiogroup" fieldId="install-mode" isRequired isStack>
            <Radio id="install-mode-all" name="install-mode" isChecked={f.mode === 'AllNamespaces'} isDisabled={!tile.supportsAllNamespaces}
              label={t('All namespaces on the cluster (default)')} onChange={() => set({ mode: 'AllNamespaces' })}
              description={t('Operator will be available in all Namespaces.')} />
            <Radio id="install-mode-own" name="install-mode" isChecked={f.mode === 'OwnNamespace'} isDisabled={!tile.supportsOwnNamespace}
              label={t('A specific namespace on the cluster')} onChange={() => set({ mode: 'OwnNamespace' })}
              description={t('Operator will be available in a single Namespace only.')} />
          </FormGroup>
          <FormGroup label={t('Installed Namespace')} fieldId="install-namespace" isRequired>
            <TextInput id="install-namespace" value={ns} isDisabled={f.mode === 'AllNamespaces'} isRequired
              onChange={(_e, v) => set({ namespace: v })} />
            <FormHelperText>
              <HelperText>
                <HelperTextItem>
                  {f.mode === 'AllNamespaces'
                    ? t('Operators installed for all namespaces go to {{ns}}.', { ns: GLOBAL_OPERATORS_NAMESPACE })
                    : tile.suggestedNamespace && ns === tile.suggestedNamespace
                      ? t('Operator recommended Namespace: {{ns}}. It is created if it does not exist.', { ns })
                      : t('The namespace is created if it does not exist.')}
                </HelperTextItem>
              </HelperText>
            </FormHelperText>
          </FormGroup>
          <FormGroup label={t('Update approval')} role="radiogroup" fieldId="install-approval" isRequired isStack>
            <Radio id="install-approval-auto" name="install-approval" label={t('Automatic')} isChecked={f.approval === 'Automatic'} onChange={() => set({ approval: 'Automatic' })} />
            <Radio id="install-approval-manual" name="install-approval" label={t('Manual')} isChecked={f.approval === 'Manual'} onChange={() => set({ approval: 'Manual' })} />
          </FormGroup>
          <ErrorAlert error={createError} />
          <ActionGroup>
            <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy || !ns}>{t('Install')}</Button>
            <Button variant="link" onClick={() => navigate('/operatorhub')}>{t('Cancel')}</Button>
          </ActionGroup>
        </Form>
      </PageSection>
    </>
  );
}
