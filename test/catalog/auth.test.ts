import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AMA2_SANDBOX_TOKEN,
  AMA2_SANDBOX_USER_TOKEN,
} from '../../src/platforms/ama2/emulator/credentials.js';
import type { Sandbox } from '../../src/sandbox.js';
import { type CliProcess, callTool, startCli } from '../helpers/cli.js';
import { startTestSandbox } from '../helpers/mcp.js';

// Issue #14: the catalog sends each operation with the credential its document's `security` names
// (apis/ama2.md §1: user and owner routes take the user JWT, agent routes the agent token), and a
// call whose credential is not configured is refused before anything is sent.

let sandbox: Sandbox;
let proc: CliProcess | undefined;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterEach(() => proc?.kill());
afterAll(() => sandbox?.close());

async function start(env: Record<string, string>): Promise<CliProcess> {
  proc = await startCli(['--toolsets', 'ama2'], { AMA2_BASE_URL: sandbox.ama2.baseUrl, ...env });
  return proc;
}

const lastAuth = () => sandbox.emulators.ama2.requests.at(-1)?.headers.authorization;

describe('catalog credentials by operation security (built CLI)', () => {
  it('sends the user JWT to user routes and the agent token to agent routes', async () => {
    const cli = await start({ AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_USER_TOKEN: AMA2_SANDBOX_USER_TOKEN });
    const friends = await callTool(cli, 'api_read', { platform: 'ama2', operation_id: 'list_friends' });
    expect(friends.isError, friends.text).toBeFalsy();
    expect(lastAuth()).toBe(`Bearer ${AMA2_SANDBOX_USER_TOKEN}`);
    const tokens = await callTool(cli, 'api_read', { platform: 'ama2', operation_id: 'list_agent_tokens' });
    expect(tokens.isError, tokens.text).toBeFalsy();
    expect(lastAuth()).toBe(`Bearer ${AMA2_SANDBOX_USER_TOKEN}`);
    await callTool(cli, 'api_read', {
      platform: 'ama2',
      operation_id: 'poll_events',
      params: { thread_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(lastAuth()).toBe(`Bearer ${AMA2_SANDBOX_TOKEN}`);
  });

  it('without the user JWT, a user route is refused naming AMA2_USER_TOKEN, and nothing is sent', async () => {
    const cli = await start({ AMA2_TOKEN: AMA2_SANDBOX_TOKEN });
    const before = sandbox.emulators.ama2.received;
    const result = await callTool(cli, 'api_write', {
      platform: 'ama2',
      operation_id: 'send_user_message',
      params: { thread_id: '00000000-0000-4000-8000-000000000000' },
      body: { content: 'hi', client_message_id: 'c1' },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('send_user_message authenticates with userJwt');
    expect(result.text).toContain('set AMA2_USER_TOKEN (over HTTP, the x-ama2-user-token header)');
    expect(sandbox.emulators.ama2.received).toBe(before);
  });

  it('the sandbox refuses a user route called with the agent token, as the platform would', async () => {
    const response = await fetch(`${sandbox.ama2.baseUrl}/api/v1/friends`, {
      headers: { authorization: `Bearer ${AMA2_SANDBOX_TOKEN}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('the sandbox serves an operation whose security is empty without credentials (the guest token)', async () => {
    const response = await fetch(`${sandbox.ama2.baseUrl}/public/v1/users/guest-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Visitor' }),
    });
    expect(response.status).toBe(200);
    // An operation that needs a credential still refuses a request without one.
    expect((await fetch(`${sandbox.ama2.baseUrl}/api/v1/friends`)).status).toBe(401);
  });
});
