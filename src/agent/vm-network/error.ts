// The one error type of the VM network code: its message is meant for a user (a VMI condition, an event),
// so it names the node, the bridge or the value at fault; its code tells the caller whether retrying can
// help (`command-failed`, `launcher-exists` after a teardown) or the VM cannot run here as specified.

export type VmNetworkErrorCode =
  /** The input is wrong (a bad MAC, a masquerade NIC on a NAD, …): retrying cannot help. */
  | 'invalid'
  /** The NAD names a bridge this node does not have (or a link that is not a bridge). */
  | 'bridge-not-found'
  /** The node's kernel lacks what the NIC needs (bridge VLAN filtering). */
  | 'not-supported'
  /** The launcher namespace is already there. */
  | 'launcher-exists'
  /** A kernel command failed. */
  | 'command-failed';

export class VmNetworkError extends Error {
  override readonly name = 'VmNetworkError';
  readonly code: VmNetworkErrorCode;
  constructor(message: string, code: VmNetworkErrorCode = 'invalid') {
    super(message);
    this.code = code;
  }
}
