import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CredentialCode, credentialError } from './credential-codes';

/** A 32-byte AES-256 key and its id (stored beside every ciphertext so rotation knows which key to use). */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/**
 * The keys that can decrypt: the current one (used to encrypt) and, while a rotation is half done, the
 * other one. Every ciphertext names its key id, so decryption never guesses.
 */
export interface Keyring {
  current: MasterKey;
  all: Map<string, MasterKey>;
  /** Where the current key came from, for messages: `env SPLICE_MASTER_KEY` or the key file path. */
  source: string;
}

export const MASTER_KEY_ENV = 'SPLICE_MASTER_KEY';
export const KEY_FILE = 'master.key';
/** Written before a rotation re-encrypts, renamed over master.key after it commits (crash-safe). */
export const NEXT_KEY_FILE = 'master.key.next';

export function masterKeyFrom(raw: Buffer): MasterKey {
  return { id: createHash('sha256').update(raw).digest('hex').slice(0, 16), key: raw };
}

/** Parse base64 or hex text holding exactly 32 bytes; anything else is rejected with how to make one. */
export function parseMasterKey(text: string, where: string): MasterKey {
  const t = text.trim();
  let raw: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) raw = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) raw = b;
  }
  if (!raw) {
    throw credentialError(
      CredentialCode.MASTER_KEY_INVALID,
      `${where} is not a 32-byte key in base64 or hex (got ${t.length} characters). ` +
        `Make one with \`openssl rand -base64 32\` (or \`openssl rand -hex 32\`).`,
    );
  }
  return masterKeyFrom(raw);
}

export function generateMasterKey(): MasterKey {
  return masterKeyFrom(randomBytes(32));
}

/** Refuse a key file that group or others can read or write: the key protects every stored secret. */
function readKeyFile(file: string): MasterKey {
  const st = statSync(file);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw credentialError(
      CredentialCode.MASTER_KEY_INSECURE,
      `${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}). ` +
        `Run \`chmod 600 ${file}\`, or set ${MASTER_KEY_ENV} instead.`,
    );
  }
  return parseMasterKey(readFileSync(file, 'utf8'), file);
}

/**
 * Write a key file with mode 0600 atomically (temp file + fsync + rename). `exclusive`: never replace an
 * existing file (link instead of rename), so two processes starting on a fresh data dir cannot each
 * generate a key and have one overwrite the other; the loser reads the winner's key.
 */
export function writeKeyFile(file: string, key: MasterKey, opts: { exclusive?: boolean } = {}): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${key.key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  if (!opts.exclusive) return renameSync(tmp, file);
  try {
    linkSync(tmp, file);
  } finally {
    unlinkSync(tmp);
  }
}

export interface LoadKeyringOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Create `<dataDir>/master.key` when there is neither a file nor the env variable (default true). */
  create?: boolean;
}

/**
 * SPLICE_MASTER_KEY wins; otherwise `<dataDir>/master.key`, generated on first use. A leftover
 * `master.key.next` (a rotation interrupted before its rename) is loaded too so nothing becomes unreadable.
 */
export function loadKeyring(opts: LoadKeyringOptions): Keyring {
  const env = opts.env ?? process.env;
  const all = new Map<string, MasterKey>();
  const fromEnv = env[MASTER_KEY_ENV];
  const file = join(opts.dataDir, KEY_FILE);
  const next = join(opts.dataDir, NEXT_KEY_FILE);
  let current: MasterKey;
  let source: string;
  if (fromEnv !== undefined && fromEnv !== '') {
    current = parseMasterKey(fromEnv, `environment variable ${MASTER_KEY_ENV}`);
    source = `environment variable ${MASTER_KEY_ENV}`;
    const prev = env[`${MASTER_KEY_ENV}_PREVIOUS`];
    if (prev) {
      const k = parseMasterKey(prev, `environment variable ${MASTER_KEY_ENV}_PREVIOUS`);
      all.set(k.id, k);
    }
  } else {
    if (!existsSync(file)) {
      if (opts.create === false) {
        throw credentialError(CredentialCode.MASTER_KEY_INVALID, `No master key: ${file} does not exist and ${MASTER_KEY_ENV} is not set.`);
      }
      try {
        writeKeyFile(file, generateMasterKey(), { exclusive: true });
      } catch (err) {
        // Another process created it first: use theirs.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    current = readKeyFile(file);
    source = file;
  }
  all.set(current.id, current);
  if (existsSync(next)) {
    const k = readKeyFile(next);
    all.set(k.id, k);
  }
  return { current, all, source };
}

export function removeKeyFile(file: string): void {
  if (existsSync(file)) unlinkSync(file);
}
