// The console: sign-in gate, then the page frame with masthead, navigation and the routed view.
import { useEffect, useState, type ReactNode } from 'react';
import { Page, PageSection, EmptyState, EmptyStateBody, Spinner, Bullseye } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { authEvents, clearToken, getToken, setToken } from '../api/auth';
import { request } from '../api/client';
import { AppMasthead } from './Masthead';
import { Sidebar } from './Sidebar';
import { Login, tryToken } from './Login';
import { matchPath, navigate, useLocation } from './router';
import { routes } from './routes';

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string } };
}

function NotFound(): ReactNode {
  const { t } = useTranslation();
  return <PageSection><EmptyState titleText={t('Page not found')} headingLevel="h1"><EmptyStateBody>{location.pathname}</EmptyStateBody></EmptyState></PageSection>;
}

function Routed(): ReactNode {
  const path = useLocation();
  for (const r of routes) {
    const params = matchPath(r.path, path);
    if (params) {
      const C = r.component;
      return <C key={r.path} params={params} />;
    }
  }
  return <NotFound />;
}

export function App(): ReactNode {
  const [state, setState] = useState<'checking' | 'out' | 'in'>('checking');
  const [user, setUser] = useState('');
  const path = useLocation();

  const check = async (): Promise<void> => {
    // `/#token=…` from `virtnet up`'s banner signs in and is removed from the address bar
    const m = /[#&]token=([^&]+)/.exec(location.hash);
    if (m) {
      const token = decodeURIComponent(m[1]!);
      history.replaceState(null, '', location.pathname + location.search);
      if (await tryToken(token).catch(() => false)) setToken(token, true);
    }
    if (!getToken()) return setState('out');
    try {
      const r = await request<SelfSubjectReview>('/apis/authentication.k8s.io/v1/selfsubjectreviews', { method: 'POST', body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }) });
      setUser(r.status?.userInfo?.username ?? '');
      setState('in');
    } catch {
      setState(getToken() && await tryToken(getToken()!).catch(() => false) ? 'in' : 'out');
    }
  };

  useEffect(() => {
    void check();
    const onUnauthorized = (): void => { clearToken(); setState('out'); };
    authEvents.addEventListener('unauthorized', onUnauthorized);
    return () => authEvents.removeEventListener('unauthorized', onUnauthorized);
  }, []);

  useEffect(() => {
    if (state === 'in' && (path === '/' || path === '/login')) navigate('/dashboards', true);
  }, [state, path]);

  if (state === 'checking') return <Bullseye><Spinner aria-label="Loading" /></Bullseye>;
  if (state === 'out') return <Login onLogin={() => void check()} />;
  return (
    <Page masthead={<AppMasthead user={user} onLogout={() => { clearToken(); setState('out'); }} />} sidebar={<Sidebar />} isManagedSidebar>
      <Routed />
    </Page>
  );
}
