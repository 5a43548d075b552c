// A server error as the OpenShift console shows it: the Status message, then each cause with its field.
import type { ReactNode } from 'react';
import { Alert } from '@patternfly/react-core';
import { ApiError } from '../api/client';

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.status.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }): ReactNode {
  if (!error) return null;
  const causes = error instanceof ApiError ? error.status.details?.causes ?? [] : [];
  return (
    <Alert variant="danger" isInline title={title ?? errorMessage(error)} data-test="error-alert">
      {title && <p>{errorMessage(error)}</p>}
      {causes.length > 0 && (
        <ul data-test="error-causes">
          {causes.map((c, i) => (
            <li key={i}>{c.field ? <code>{c.field}</code> : null}{c.field ? ': ' : ''}{c.message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
