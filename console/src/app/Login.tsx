// Sign-in with a bearer token. The lab's users are listed (names only; tokens stay in the data directory).
// A link of the form `/#token=…` (printed by `virtnet up`) signs in directly.
import { useEffect, useState, type ReactNode } from 'react';
import { ActionGroup, Bullseye, Button, Card, CardBody, CardTitle, Checkbox, Form, FormGroup, TextInput, HelperText, HelperTextItem, List, ListItem, Title } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { setToken } from '../api/auth';
import { request } from '../api/client';

interface ConsoleConfig {
  users: string[];
}

export async function tryToken(token: string): Promise<boolean> {
  const res = await fetch('/api', { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  return res.ok;
}

export function Login({ onLogin }: { onLogin: () => void }): ReactNode {
  const { t } = useTranslation();
  const [token, setTok] = useState('');
  const [remember, setRemember] = useState(true);
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [users, setUsers] = useState<string[]>([]);

  useEffect(() => {
    request<ConsoleConfig>('/console/config').then((c) => setUsers(c.users), () => setUsers([]));
  }, []);

  const submit = async (): Promise<void> => {
    setBusy(true);
    const ok = await tryToken(token.trim()).catch(() => false);
    setBusy(false);
    if (!ok) {
      setInvalid(true);
      return;
    }
    setToken(token.trim(), remember);
    onLogin();
  };

  return (
    <Bullseye className="vn-login">
      <Card style={{ width: 460 }} isLarge>
        <CardTitle>
          <div className="vn-brand">virtnet</div>
          <Title headingLevel="h1" size="2xl">{t('Log in to your account')}</Title>
        </CardTitle>
        <CardBody>
      <Form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <FormGroup label={t('Token')} isRequired fieldId="login-token">
          <TextInput id="login-token" type="password" isRequired value={token} aria-label={t('Token')}
            validated={invalid ? 'error' : 'default'} onChange={(_e, v) => { setTok(v); setInvalid(false); }} />
          <HelperText>
            {invalid
              ? <HelperTextItem variant="error">{t('The token is not valid.')}</HelperTextItem>
              : <HelperTextItem>{t('Paste the bearer token of a user. The admin token is in the kubeconfig that virtnet up wrote.')}</HelperTextItem>}
          </HelperText>
        </FormGroup>
        <Checkbox id="login-remember" label={t('Remember me')} isChecked={remember} onChange={(_e, v) => setRemember(v)} />
        <ActionGroup>
          <Button type="submit" variant="primary" isBlock isLoading={busy} isDisabled={busy || token.trim() === ''}>{t('Log in')}</Button>
        </ActionGroup>
        {users.length > 0 && (
          <section aria-label={t('Users of this lab')}>
            <strong>{t('Users of this lab')}</strong>
            <List>{users.map((u) => <ListItem key={u}>{u}</ListItem>)}</List>
          </section>
        )}
      </Form>
        </CardBody>
      </Card>
    </Bullseye>
  );
}
