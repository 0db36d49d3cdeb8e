import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CredentialCode, credentialError } from './credential-codes';
import type { Keyring, MasterKey } from './master-key';

/** One encrypted secret as stored: AES-256-GCM, a fresh 12-byte IV, the 16-byte tag and the key id. */
export interface SealedSecret {
  keyId: string;
  iv: string; // base64
  authTag: string; // base64
  ciphertext: string; // base64
}

/**
 * Associated data binds a ciphertext to its credential and version: a ciphertext copied onto another
 * row (or another version) fails authentication instead of decrypting as the wrong secret.
 */
export function associatedData(credentialId: string, version: number): Buffer {
  return Buffer.from(`splice-credential:${credentialId}:v${version}`, 'utf8');
}

export function sealSecret(key: MasterKey, plaintext: string, aad: Buffer): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: key.id, iv: iv.toString('base64'), authTag: cipher.getAuthTag().toString('base64'), ciphertext: ct.toString('base64') };
}

export function openSecret(keyring: Keyring, sealed: SealedSecret, aad: Buffer, what: string): string {
  const key = keyring.all.get(sealed.keyId);
  if (!key) {
    throw credentialError(
      CredentialCode.DECRYPT_FAILED,
      `${what} was encrypted with master key ${sealed.keyId}, but the key in use (${keyring.source}) is ${keyring.current.id}. ` +
        `Restore the master key this data dir was created with (SPLICE_MASTER_KEY or master.key).`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(sealed.authTag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch (err) {
    throw credentialError(
      CredentialCode.DECRYPT_FAILED,
      `${what} failed authentication: the stored ciphertext was altered or moved to another credential. Re-add the credential.`,
      { cause: err },
    );
  }
}
