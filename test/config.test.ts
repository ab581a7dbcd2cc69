import { describe, expect, it } from 'vitest';
import { ConfigError, credentialsFromHeaders, parseConfig } from '../src/core/config.js';

const AMA2 = 'ama_eat_0123456789abcdef0123456789abcdef';
const WS = '11111111-2222-4333-8444-555555555555';

function run(argv: string[], env: Record<string, string> = {}) {
  const action = parseConfig(argv, env);
  if (action.kind !== 'run') throw new Error(`expected run, got ${action.kind}`);
  return action.config;
}
function failure(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('offers only the platforms with credentials, with default base URLs', () => {
    const config = run([], { AMA2_TOKEN: AMA2 });
    expect(config.credentials.ama2).toEqual({ baseUrl: 'https://api.ama2.me', token: AMA2 });
    expect(config.credentials.amigo).toBeUndefined();
    expect(config.credentials.atthene).toBeUndefined();
    expect(config.transport).toBe('stdio');
  });

  it('refuses to start with no platform and no --sandbox, listing the variables and --sandbox', () => {
    const message = failure([], {});
    for (const name of [
      'AMA2_TOKEN',
      'AMIGO_API_KEY',
      'AMIGO_WORKSPACE_ID',
      'ATTHENE_API_KEY',
      '--sandbox',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('starts on the sandbox without any credentials', () => {
    expect(run(['--sandbox']).sandbox).toBe(true);
  });

  it('takes the sandbox switch from MCP_SANDBOX too (clients that set only variables: the .mcpb)', () => {
    expect(run([], { MCP_SANDBOX: 'true' }).sandbox).toBe(true);
    expect(run([], { MCP_SANDBOX: '1' }).sandbox).toBe(true);
    expect(run(['--sandbox'], { MCP_SANDBOX: 'false' }).sandbox).toBe(true);
    expect(failure([], { MCP_SANDBOX: 'false' })).toContain('no platform is configured');
    expect(failure([], { MCP_SANDBOX: 'yes' })).toBe('MCP_SANDBOX must be true or false');
  });

  it('names the variable for a token without the ama_eat_ prefix', () => {
    expect(failure([], { AMA2_TOKEN: 'sk-0123456789abcdef' })).toMatch(/^AMA2_TOKEN must .*ama_eat_/);
  });

  it('names the variable for a non-UUID workspace id and says where to find it', () => {
    const message = failure([], { AMIGO_API_KEY: 'key_0123456789', AMIGO_WORKSPACE_ID: 'acme' });
    expect(message).toContain('AMIGO_WORKSPACE_ID must be a UUID');
    expect(message).toContain('/v1/auth/me');
  });

  it('names the variable for a bad URL', () => {
    expect(
      failure([], { ATTHENE_API_KEY: 'key_0123456789', ATTHENE_BASE_URL: 'api-be.atthene.com' }),
    ).toContain('ATTHENE_BASE_URL must be an http(s) URL');
    expect(failure([], { AMA2_TOKEN: AMA2, AMA2_BASE_URL: 'ftp://x' })).toContain('AMA2_BASE_URL');
  });

  it('requires the workspace id with an Amigo key', () => {
    expect(failure([], { AMIGO_API_KEY: 'key_0123456789' })).toContain('AMIGO_WORKSPACE_ID');
  });

  it('treats empty variables as unset (client configs carry "" placeholders)', () => {
    const config = run([], { AMA2_TOKEN: AMA2, AMIGO_API_KEY: '', AMIGO_WORKSPACE_ID: ' ' });
    expect(config.credentials.amigo).toBeUndefined();
  });

  it('parses flags and lets them override env', () => {
    const config = run(
      ['--http', '--port', '0', '--toolsets', 'amigo,atthene', '--read-only', '--log-level', 'debug'],
      {
        AMIGO_API_KEY: 'key_0123456789',
        AMIGO_WORKSPACE_ID: WS.toUpperCase(),
        LOG_LEVEL: 'warn',
      },
    );
    expect(config).toMatchObject({
      transport: 'http',
      readOnly: true,
      logLevel: 'debug',
      toolsets: ['amigo', 'atthene'],
    });
    expect(config.http.port).toBe(0);
    expect(config.credentials.amigo?.workspaceId).toBe(WS);
  });

  it('names the flag for a bad toolset, port or log level', () => {
    expect(failure(['--sandbox', '--toolsets', 'ama2,slack'])).toContain('--toolsets');
    expect(failure(['--sandbox', '--port', 'eighty'])).toContain('--port');
    expect(failure(['--sandbox', '--log-level', 'loud'])).toContain('--log-level');
    expect(failure(['--sandbox', '--verbose'])).toContain('--help');
  });

  it('refuses a non-loopback bind without MCP_HTTP_TOKEN', () => {
    expect(failure(['--sandbox', '--http', '--host', '0.0.0.0'])).toContain('MCP_HTTP_TOKEN');
    const config = run(['--sandbox', '--http', '--host', '0.0.0.0'], {
      MCP_HTTP_TOKEN: 'x'.repeat(32),
      MCP_ALLOWED_HOSTS: 'mcp.example.com',
    });
    expect(config.http.token).toBe('x'.repeat(32));
  });

  it('refuses a non-loopback bind that would accept any Host, and OAuth there without MCP_PUBLIC_URL (issue #12 E8)', () => {
    const token = { MCP_HTTP_TOKEN: 'x'.repeat(32) };
    expect(failure(['--sandbox', '--http', '--host', '0.0.0.0'], token)).toContain('set MCP_ALLOWED_HOSTS');
    const viaPublicUrl = run(['--sandbox', '--http', '--host', '0.0.0.0'], {
      ...token,
      MCP_PUBLIC_URL: 'https://mcp.example.com',
    });
    expect(viaPublicUrl.http.publicUrl).toBe('https://mcp.example.com');
    const oauth = {
      MCP_AUTH_ISSUER: 'https://auth.example.com',
      MCP_AUTH_AUDIENCE: 'mcp',
      MCP_AUTH_JWKS_URL: 'https://auth.example.com/jwks.json',
      MCP_ALLOWED_HOSTS: 'mcp.example.com',
    };
    expect(failure(['--sandbox', '--http', '--host', '0.0.0.0'], oauth)).toContain('needs MCP_PUBLIC_URL');
  });

  it('answers --help and --version before validating the environment', () => {
    expect(parseConfig(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseConfig(['--version'], {})).toEqual({ kind: 'version' });
  });
});

describe('credentials from HTTP headers', () => {
  it("take the server's ATTHENE_EXECUTE_TIMEOUT_SECONDS, not the default", () => {
    const own = credentialsFromHeaders(
      { 'x-atthene-api-key': 'atthene_header_key_0000000000' },
      {},
      { ATTHENE_EXECUTE_TIMEOUT_SECONDS: '7' },
    );
    expect(own?.atthene?.executeTimeoutMs).toBe(7000);
  });
});
