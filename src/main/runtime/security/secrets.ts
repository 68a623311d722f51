// Secrets the project refers to by name (`password: { secret: broker }`):
// MQTT and OPC UA passwords, private keys. They live encrypted in
// `secrets.json` in the data folder, never in the project file.
//
// The cipher is the shell's: Electron's safeStorage in the desktop app (the
// OS keychain), or in serve mode AES-256-GCM with a key file (`secret.key`)
// that only its owner may read; a key file others can read is refused.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SecretCipher {
  /** Names the cipher in the file, so a secret is never read with the wrong one. */
  readonly kind: string;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export class SecretError extends Error {}

/** AES-256-GCM with a 32-byte key in a file readable by its owner only. */
export function keyFileCipher(keyFile: string): SecretCipher {
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32), { mode: 0o600, flag: 'wx' });
  }
  const mode = statSync(keyFile).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretError(`${keyFile} can be read by others (mode ${mode.toString(8)}): make it the owner's only (chmod 600)`);
  }
  const key = readFileSync(keyFile);
  if (key.length !== 32) throw new SecretError(`${keyFile} is not a secret key (32 bytes expected, found ${key.length})`);
  return {
    kind: 'aes-256-gcm-keyfile',
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

interface StoredSecret {
  readonly cipher: string;
  readonly value: string;
  readonly changedAt: number;
}

export class SecretStore {
  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher,
  ) {}

  /** For serve mode and the command line: the key file beside the store. */
  static inDataDir(dataDir: string): SecretStore {
    return new SecretStore(join(dataDir, 'secrets.json'), keyFileCipher(join(dataDir, 'secret.key')));
  }

  names(): string[] {
    return Object.keys(this.read()).sort();
  }

  get(name: string): string {
    const stored = this.read()[name];
    if (!stored) throw new SecretError(`no secret "${name}" (set it with: npm run secrets -- set ${name} --data DIR)`);
    if (stored.cipher !== this.cipher.kind) {
      throw new SecretError(`secret "${name}" was sealed by ${stored.cipher}, not ${this.cipher.kind}: set it again here`);
    }
    try {
      return this.cipher.decrypt(Buffer.from(stored.value, 'base64'));
    } catch {
      throw new SecretError(`secret "${name}" cannot be opened (wrong key, or the file was altered): set it again`);
    }
  }

  set(name: string, value: string): void {
    const all = this.read();
    all[name] = { cipher: this.cipher.kind, value: this.cipher.encrypt(value).toString('base64'), changedAt: Date.now() };
    this.write(all);
  }

  remove(name: string): boolean {
    const all = this.read();
    if (!(name in all)) return false;
    delete all[name];
    this.write(all);
    return true;
  }

  private read(): Record<string, StoredSecret> {
    if (!existsSync(this.file)) return {};
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, StoredSecret>;
    } catch (error) {
      throw new SecretError(`${this.file} is not a secrets file: ${(error as Error).message}`);
    }
  }

  private write(all: Record<string, StoredSecret>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }
}
