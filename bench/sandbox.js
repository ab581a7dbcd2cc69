// The sandbox in its own process, so the emulators' CPU is not counted in a measured server. Prints
// one JSON line on stdout: each platform's credentials and the environment that points the built CLI
// at them. Spawned with an IPC channel by bench/run.js; exits when the channel closes.
import { startSandbox } from '../dist/sandbox.js';
import { tether } from './lib/tether.js';

tether();
const sandbox = await startSandbox({ ama2RateLimits: false, attheneExecuteDelayMs: 1, ama2ReplyDelayMs: 5 });
const { ama2, amigo, atthene } = sandbox;
const env = {
  AMA2_BASE_URL: ama2.baseUrl,
  AMA2_TOKEN: ama2.token,
  ...(ama2.userToken ? { AMA2_USER_TOKEN: ama2.userToken } : {}),
  AMIGO_BASE_URL: amigo.baseUrl,
  AMIGO_API_KEY: amigo.apiKey,
  AMIGO_WORKSPACE_ID: amigo.workspaceId,
  ATTHENE_BASE_URL: atthene.baseUrl,
  ATTHENE_API_KEY: atthene.apiKey,
};
process.stdout.write(`${JSON.stringify({ credentials: { ama2, amigo, atthene }, env })}\n`);
