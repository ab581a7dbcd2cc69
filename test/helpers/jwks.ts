import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair } from 'jose';

/** A loopback JWKS endpoint publishing one RS256 key, and the private key to sign tokens with. */
export async function startJwks(
  kid: string,
): Promise<{ url: string; key: CryptoKey; close(): Promise<void> }> {
  const pair = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    key: pair.privateKey as CryptoKey,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
