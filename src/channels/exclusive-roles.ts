/**
 * The one-node-at-a-time roles the adapters of a gateway run (the IMAP intake), by channel, so that the
 * channel page can say whether this node leads each one and, on a server, which node does.
 */
import type { RoleHandle } from '../db/locks';

/** A role an adapter runs through `AdapterRuntime.exclusive`. */
export interface ExclusiveRoleEntry {
  /** The cluster-wide role name (`<channel>:<adapter's name>`), as `roleLeader` takes it. */
  name: string;
  handle: RoleHandle;
}

const byGateway = new WeakMap<object, Map<string, ExclusiveRoleEntry[]>>();

/** Records a role `owner` (the gateway's context) runs for `channel`. */
export function trackExclusiveRole(owner: object, channel: string, entry: ExclusiveRoleEntry): void {
  let channels = byGateway.get(owner);
  if (!channels) byGateway.set(owner, (channels = new Map()));
  channels.set(channel, [...(channels.get(channel) ?? []).filter((e) => e.name !== entry.name), entry]);
}

/** The roles `owner` runs for `channel` (none before the adapter started). */
export function exclusiveRolesOf(owner: object, channel: string): ExclusiveRoleEntry[] {
  return byGateway.get(owner)?.get(channel) ?? [];
}
