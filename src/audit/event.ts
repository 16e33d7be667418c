/**
 * An audit event as the components emit it. The versioned OCSF-aligned schema, the
 * hash chain and signatures come with the audit trail; this is the shape they wrap.
 */
export interface AuditEvent {
  /** Dotted, past tense: "net.request.allowed", "credential.misuse". */
  type: string;
  /** ISO 8601 UTC. */
  time: string;
  sessionId: string;
  [field: string]: unknown;
}

/** Where events go. write() never throws and never blocks the caller. */
export interface AuditSink {
  write(event: AuditEvent): void;
  /**
   * False once events can no longer be recorded and policy says fail closed: whoever
   * writes here must then refuse the action (the proxy denies all egress).
   */
  readonly accepting?: boolean;
  /** Flushes and closes; resolves when every written event is on disk. */
  close(): Promise<void>;
}
