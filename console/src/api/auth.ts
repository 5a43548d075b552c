// The signed-in token: kept in localStorage when "remember" was chosen, else for the tab only.
const KEY = 'virtnet.token';

export function getToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? undefined;
}

export function setToken(token: string, remember: boolean): void {
  sessionStorage.setItem(KEY, token);
  if (remember) localStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

/** Sign-out on a 401 anywhere: the app listens and shows the sign-in page. */
export const authEvents = new EventTarget();
