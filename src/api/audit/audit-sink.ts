// The audit seam of the API server: one event per request once its response is done (who, verb, resource,
// name, namespace, response code, time). The JSON-lines file sink with rotation lives beside it.
export interface AuditEvent {
  /** ISO time the request was received. */
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  user: string;
  groups: string[];
  sourceIP: string;
  userAgent: string;
  verb: string;
  requestURI: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  code: number;
  /** The authorization decision's reason, when one was made. */
  reason?: string;
}

export interface AuditSink {
  record(event: AuditEvent): void;
  close(): Promise<void>;
}

export const discardAudit: AuditSink = { record: () => undefined, close: async () => undefined };
