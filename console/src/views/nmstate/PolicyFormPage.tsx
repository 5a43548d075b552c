// Create NodeNetworkConfigurationPolicy from a form: name, description, node selector with a live
// preview of the nodes it picks (and near-miss labels), Linux bridge interfaces with ports, STP and IPv4.
// The policy it writes is models/nncp-form.ts's, shown as YAML before creating.
import { useState, type ReactNode } from 'react';
import {
  ActionGroup, Alert, Button, Card, CardBody, CardHeader, CardTitle, Checkbox, CodeBlock, CodeBlockCode, ExpandableSection,
  Form, FormGroup, FormHelperText, FormSection, FormSelect, FormSelectOption, HelperText, HelperTextItem, Label, LabelGroup,
  PageSection, Radio, Split, SplitItem, TextInput,
} from '@patternfly/react-core';
import { MinusCircleIcon, PlusCircleIcon } from '@patternfly/react-icons';
import { useTranslation } from 'react-i18next';
import { stringify } from 'yaml';
import { NNCPModel, NodeModel } from '../../api/models';
import { k8sCreate } from '../../api/client';
import type { K8sObject } from '../../api/types';
import { useWatch } from '../../hooks/useWatch';
import { Link, navigate } from '../../app/router';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert } from '../../components/ErrorAlert';
import {
  hasErrors, initialPolicyForm, newInterface, policyFromForm, selectorOf, validatePolicyForm,
  type InterfaceForm, type Ipv4Mode, type Msg, type PolicyForm,
} from '../../models/nncp-form';
import { matchingNodes } from '../../models/nncp-near-miss';
import { NearMissAlert, nodeLabelsOf } from './NmstateLabels';

function FieldError({ msg, show }: { msg: Msg | undefined; show: boolean }): ReactNode {
  const { t } = useTranslation();
  if (!msg || !show) return null;
  return (
    <FormHelperText>
      <HelperText><HelperTextItem variant="error">{t(msg.key, msg.vars ?? {})}</HelperTextItem></HelperText>
    </FormHelperText>
  );
}

export function PolicyFormPage(): ReactNode {
  const { t } = useTranslation();
  const [form, setForm] = useState<PolicyForm>(initialPolicyForm);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [nodeObjs] = useWatch(NodeModel);
  const nodes = nodeLabelsOf(nodeObjs);
  const errors = validatePolicyForm(form);
  const show = (field: string): boolean => submitted || touched.has(field);
  const touch = (field: string): void => { if (!touched.has(field)) setTouched(new Set(touched).add(field)); };

  const selector = selectorOf(form.selector);
  const matched = matchingNodes(selector, nodes);
  const policy = policyFromForm(form);

  const setIface = (i: number, patch: Partial<InterfaceForm>): void =>
    setForm({ ...form, interfaces: form.interfaces.map((x, j) => (j === i ? { ...x, ...patch } : x)) });

  const create = async (): Promise<void> => {
    setSubmitted(true);
    if (hasErrors(errors)) return;
    setBusy(true);
    setError(undefined);
    try {
      await k8sCreate(NNCPModel, policy as unknown as K8sObject);
      navigate(`/nmstate/policies/${encodeURIComponent(policy.metadata.name)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title={t('Create NodeNetworkConfigurationPolicy')}
        actions={<Link to="/nmstate/policies/~new/yaml">{t('Edit YAML')}</Link>} />
      <PageSection>
        <Form onSubmit={(e) => { e.preventDefault(); void create(); }} style={{ maxWidth: 900 }} noValidate>
          <p>{t('Node network is configured and managed by NMState. Create a node network configuration policy to describe the requested network configuration on your nodes in the cluster. The node network configuration enactment reports the network policies enacted upon each node.')}</p>
          <FormGroup label={t('Policy name')} isRequired fieldId="policy-name">
            <TextInput id="policy-name" isRequired value={form.name} validated={show('name') && errors.name ? 'error' : 'default'}
              onChange={(_e, v) => { setForm({ ...form, name: v }); touch('name'); }} />
            <FieldError msg={errors.name} show={show('name')} />
          </FormGroup>
          <FormGroup label={t('Description')} fieldId="policy-description">
            <TextInput id="policy-description" value={form.description} onChange={(_e, v) => setForm({ ...form, description: v })} />
          </FormGroup>

          <FormSection title={t('Node selector')} titleElement="h2">
            <p style={{ color: 'var(--pf-t--global--text--color--subtle)' }}>{t('The policy applies to the nodes that have every label below; with no label it applies to all nodes.')}</p>
            {form.selector.map((e, i) => (
              <Split hasGutter key={i}>
                <SplitItem isFilled>
                  <FormGroup label={t('Key')} fieldId={`selector-key-${i}`}>
                    <TextInput id={`selector-key-${i}`} value={e.key} validated={show(`sk${i}`) && errors.selector[i]?.key ? 'error' : 'default'}
                      onChange={(_ev, v) => { setForm({ ...form, selector: form.selector.map((x, j) => (j === i ? { ...x, key: v } : x)) }); touch(`sk${i}`); }} />
                    <FieldError msg={errors.selector[i]?.key} show={show(`sk${i}`)} />
                  </FormGroup>
                </SplitItem>
                <SplitItem isFilled>
                  <FormGroup label={t('Value')} fieldId={`selector-value-${i}`}>
                    <TextInput id={`selector-value-${i}`} value={e.value} validated={show(`sv${i}`) && errors.selector[i]?.value ? 'error' : 'default'}
                      onChange={(_ev, v) => { setForm({ ...form, selector: form.selector.map((x, j) => (j === i ? { ...x, value: v } : x)) }); touch(`sv${i}`); }} />
                    <FieldError msg={errors.selector[i]?.value} show={show(`sv${i}`)} />
                  </FormGroup>
                </SplitItem>
                <SplitItem style={{ alignSelf: 'end' }}>
                  <Button variant="plain" aria-label={t('Remove label {{n}}', { n: i + 1 })} icon={<MinusCircleIcon />}
                    onClick={() => setForm({ ...form, selector: form.selector.filter((_x, j) => j !== i) })} />
                </SplitItem>
              </Split>
            ))}
            <div>
              <Button variant="link" isInline icon={<PlusCircleIcon />} onClick={() => setForm({ ...form, selector: [...form.selector, { key: '', value: '' }] })}>
                {t('Add label')}
              </Button>
            </div>
            <Alert isInline variant={matched.length === 0 ? 'warning' : 'info'} data-test="selector-preview"
              title={Object.keys(selector).length === 0
                ? t('All {{n}} nodes match', { n: matched.length })
                : matched.length === 1 ? t('1 node matches') : t('{{n}} nodes match', { n: matched.length })}>
              {matched.length > 0 && <LabelGroup numLabels={10}>{matched.map((n) => <Label key={n} isCompact>{n}</Label>)}</LabelGroup>}
            </Alert>
            <NearMissAlert selector={selector} nodes={nodes} matched={matched.length} />
          </FormSection>

          <FormSection title={t('Policy interfaces')} titleElement="h2">
            {errors.interfacesList && submitted && <Alert isInline variant="danger" title={t(errors.interfacesList.key)} />}
            {form.interfaces.map((f, i) => {
              const e = errors.interfaces[i] ?? {};
              const id = (s: string): string => `iface-${s}-${i}`;
              return (
                <Card key={i} isCompact data-test={`interface-${i}`}>
                  <CardHeader actions={{
                    actions: <Button variant="plain" aria-label={t('Remove interface {{n}}', { n: i + 1 })} icon={<MinusCircleIcon />}
                      onClick={() => setForm({ ...form, interfaces: form.interfaces.filter((_x, j) => j !== i) })} />,
                  }}>
                    <CardTitle>{t('Interface {{n}}', { n: i + 1 })}</CardTitle>
                  </CardHeader>
                  <CardBody style={{ display: 'grid', gap: 'var(--pf-t--global--spacer--md)' }}>
                    <FormGroup label={t('Interface name')} isRequired fieldId={id('name')}>
                      <TextInput id={id('name')} isRequired value={f.name} validated={show(`in${i}`) && e.name ? 'error' : 'default'}
                        onChange={(_ev, v) => { setIface(i, { name: v }); touch(`in${i}`); }} />
                      <FieldError msg={e.name} show={show(`in${i}`)} />
                    </FormGroup>
                    <FormGroup label={t('Network state')} isRequired fieldId={id('state')}>
                      <FormSelect id={id('state')} value={f.state} onChange={(_ev, v) => setIface(i, { state: v === 'down' ? 'down' : 'up' })}>
                        <FormSelectOption value="up" label={t('Up')} />
                        <FormSelectOption value="down" label={t('Down')} />
                      </FormSelect>
                    </FormGroup>
                    <FormGroup label={t('Type')} isRequired fieldId={id('type')}>
                      <FormSelect id={id('type')} value={f.type} onChange={() => undefined}>
                        <FormSelectOption value="linux-bridge" label={t('Linux bridge')} />
                        <FormSelectOption value="bond" label={t('Bonding')} isDisabled />
                      </FormSelect>
                      <FormHelperText>
                        <HelperText><HelperTextItem>{t('Bonding needs the kernel bonding driver, which this lab does not have; bonds can be described in YAML and their enactment then fails with NotSupportedError.')}</HelperTextItem></HelperText>
                      </FormHelperText>
                    </FormGroup>
                    <FormGroup label={t('Port(s)')} fieldId={id('ports')}>
                      <TextInput id={id('ports')} value={f.ports} placeholder="eth1" validated={show(`ip${i}`) && e.ports ? 'error' : 'default'}
                        onChange={(_ev, v) => { setIface(i, { ports: v }); touch(`ip${i}`); }} />
                      <FormHelperText>
                        <HelperText><HelperTextItem>{t('Interfaces to attach to the bridge; separate several with commas.')}</HelperTextItem></HelperText>
                      </FormHelperText>
                      <FieldError msg={e.ports} show={show(`ip${i}`)} />
                    </FormGroup>
                    <FormGroup fieldId={id('stp')}>
                      <Checkbox id={id('stp')} label={t('Enable STP')} isChecked={f.stp} onChange={(_ev, v) => setIface(i, { stp: v })} />
                    </FormGroup>
                    <FormGroup label={t('IPv4')} role="radiogroup" isInline fieldId={id('ipv4')}>
                      {([['disabled', t('Disabled')], ['dhcp', t('DHCP')], ['static', t('Static IP')]] as [Ipv4Mode, string][]).map(([mode, label]) => (
                        <Radio key={mode} id={id(`ipv4-${mode}`)} name={id('ipv4')} label={label} isChecked={f.ipv4 === mode} onChange={() => setIface(i, { ipv4: mode })} />
                      ))}
                    </FormGroup>
                    {f.ipv4 === 'static' && (
                      <Split hasGutter>
                        <SplitItem isFilled>
                          <FormGroup label={t('IPv4 address')} isRequired fieldId={id('ip')}>
                            <TextInput id={id('ip')} value={f.ip} placeholder="192.168.95.1" validated={show(`ia${i}`) && e.ip ? 'error' : 'default'}
                              onChange={(_ev, v) => { setIface(i, { ip: v }); touch(`ia${i}`); }} />
                            <FieldError msg={e.ip} show={show(`ia${i}`)} />
                          </FormGroup>
                        </SplitItem>
                        <SplitItem>
                          <FormGroup label={t('Prefix length')} isRequired fieldId={id('prefix')}>
                            <TextInput id={id('prefix')} value={f.prefixLength} type="number" validated={show(`pl${i}`) && e.prefixLength ? 'error' : 'default'}
                              onChange={(_ev, v) => { setIface(i, { prefixLength: v }); touch(`pl${i}`); }} />
                            <FieldError msg={e.prefixLength} show={show(`pl${i}`)} />
                          </FormGroup>
                        </SplitItem>
                      </Split>
                    )}
                  </CardBody>
                </Card>
              );
            })}
            <div>
              <Button variant="link" isInline icon={<PlusCircleIcon />} onClick={() => setForm({ ...form, interfaces: [...form.interfaces, newInterface(form.interfaces.length)] })}>
                {t('Add another interface to the policy')}
              </Button>
            </div>
          </FormSection>

          <ExpandableSection toggleText={t('YAML preview')} data-test="yaml-preview">
            <CodeBlock><CodeBlockCode>{stringify(policy)}</CodeBlockCode></CodeBlock>
          </ExpandableSection>
          {submitted && hasErrors(errors) && <Alert isInline variant="danger" title={t('Fix the errors in the form before creating the policy.')} />}
          <ErrorAlert error={error} title={t('Failed to create {{kind}} {{name}}', { kind: 'NodeNetworkConfigurationPolicy', name: policy.metadata.name })} />
          <ActionGroup>
            <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy}>{t('Create')}</Button>
            <Button variant="link" onClick={() => navigate('/nmstate/policies')}>{t('Cancel')}</Button>
          </ActionGroup>
        </Form>
      </PageSection>
    </>
  );
}
