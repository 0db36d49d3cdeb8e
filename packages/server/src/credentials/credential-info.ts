import type { CredentialsTable } from '../storage/schema';

/** What list/show/the API return about a credential: metadata only, never a secret. */
export interface CredentialInfo {
  id: string;
  name: string;
  kind: string;
  connector: string;
  status: 'active' | 'needs_reconnect';
  statusReason?: string;
  statusAt?: string;
  /** How to fix a `needs_reconnect` credential. */
  reconnectHint?: string;
  scopes?: string[];
  meta: Record<string, string>;
  activeVersion: number;
  expiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export function reconnectCommand(info: { name: string; kind: string }): string {
  if (info.kind === 'highlevel-agency') return `splice auth login highlevel --agency --name ${info.name}`;
  return info.kind === 'highlevel-oauth'
    ? `splice auth login highlevel --name ${info.name}`
    : `splice credentials rotate ${info.name} --kind ${info.kind}`;
}

export function toInfo(row: CredentialsTable): CredentialInfo {
  const status = row.status === 'needs_reconnect' ? 'needs_reconnect' : 'active';
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    connector: row.connector,
    status,
    ...(row.status_reason ? { statusReason: row.status_reason } : {}),
    ...(row.status_at ? { statusAt: row.status_at } : {}),
    ...(status === 'needs_reconnect' ? { reconnectHint: `run \`${reconnectCommand(row)}\`` } : {}),
    ...(row.scopes ? { scopes: JSON.parse(row.scopes) as string[] } : {}),
    meta: JSON.parse(row.meta) as Record<string, string>,
    activeVersion: Number(row.active_version),
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
