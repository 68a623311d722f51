// Certificates for the TLS tests, made with openssl in the test's own folder:
// a CA, a server certificate for 127.0.0.1 signed by it, a client
// certificate for mutual TLS, and an unrelated CA to be refused.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsFiles {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA that signed nothing of ours: a broker "verified" with it must be refused. */
  readonly otherCa: string;
}

/** A CA, a server certificate for 127.0.0.1 signed by it, a client certificate, and an unrelated CA (openssl). */
export function makeTlsFiles(dir: string): TlsFiles {
  const run = (...args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
  };
  const file = (name: string) => join(dir, name);
  const ca = (name: string) => run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`));
  ca('test-ca');
  ca('other-ca');
  const leaf = (name: string, ext: string) => {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
    writeFileSync(file(`${name}.ext`), ext);
    run('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('test-ca.crt'), '-CAkey', file('test-ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.crt`));
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  return {
    ca: file('test-ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
    otherCa: file('other-ca.crt'),
  };
}
