import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Implementation, JSONRPCMessage, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

// Cold start on stdio (issue #15): `initialize` is answered as soon as the configuration is read,
// by the SDK's own Server (same version negotiation, same validation) from the identity the built
// server declares; the tools, clients, logger and sandbox load after. The built server then sees
// that `initialize` again (its answer, already given, is dropped) and every message that came
// meanwhile, in order: no request is ever handled before the server and its sandbox are ready.

/** What `initialize` answers, besides the negotiated protocol version. */
export interface Identity {
  info: Implementation;
  capabilities: ServerCapabilities;
  instructions: string;
}

type Id = string | number;
const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & { id: Id; method: string } =>
  'method' in m && 'id' in m;
const isResponseTo = (m: JSONRPCMessage, id: Id | undefined) =>
  id !== undefined && !('method' in m) && 'id' in m && m.id === id;

/** The early server needs no JSON Schema validator (it only answers initialize): ajv is not built for it. */
const NO_VALIDATOR = {
  getValidator: () => () => ({
    valid: false as const,
    data: undefined,
    errorMessage: 'not available before start-up',
  }),
};

/**
 * The stdio transport from the first byte: `start()` answers a first `initialize` at once,
 * `attach()` hands the session to the built server. If the answer fails, or the first message is
 * something else, the built server answers everything itself, as a directly connected one would.
 */
export class EarlyStdio {
  readonly #stdio = new StdioServerTransport();
  readonly #queue: JSONRPCMessage[] = [];
  #relay: Transport | undefined;
  #closed = false;
  #initId: Id | undefined;
  #settle: (answer: JSONRPCMessage | undefined) => void = () => {};
  /** The early answer once sent; undefined when the first message was not `initialize`. */
  readonly answered = new Promise<JSONRPCMessage | undefined>((resolve) => {
    this.#settle = resolve;
  });

  constructor(readonly identity: Identity) {}

  async start(): Promise<void> {
    this.#stdio.onmessage = (message) => this.#receive(message);
    this.#stdio.onclose = () => {
      this.#closed = true;
      this.#settle(undefined);
      this.#relay?.onclose?.();
    };
    this.#stdio.onerror = (error) => this.#relay?.onerror?.(error);
    await this.#stdio.start();
  }

  /** Resolves once `initialize` is answered, or after `ms` if it has not come yet (start-up goes on). */
  answeredWithin(ms: number): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    return Promise.race([this.answered, waited]).finally(() => clearTimeout(timer));
  }

  #receive(message: JSONRPCMessage): void {
    if (this.#relay) return void this.#relay.onmessage?.(message);
    if (this.#queue.length === 0) {
      if (isRequest(message) && message.method === 'initialize') {
        this.#initId = message.id;
        this.#answer(message).then(this.#settle, () => this.#settle(undefined));
      } else this.#settle(undefined);
    }
    this.#queue.push(message);
  }

  async #answer(request: JSONRPCMessage): Promise<JSONRPCMessage> {
    const { info, capabilities, instructions } = this.identity;
    const server = new Server(info, { capabilities, instructions, jsonSchemaValidator: NO_VALIDATOR });
    const once: Transport = { start: async () => {}, close: async () => {}, send: async () => {} };
    const answer = new Promise<JSONRPCMessage>((resolve) => {
      once.send = async (message) => resolve(message);
    });
    await server.connect(once);
    once.onmessage?.(request);
    const message = await answer;
    await this.#stdio.send(message);
    return message;
  }

  /**
   * Connects the built server in place of stdio: the early `initialize` first (its second answer is
   * compared with the first and dropped), then what came meanwhile, then everything else.
   */
  async attach(server: Server, onMismatch: (early: unknown, built: unknown) => void): Promise<void> {
    const early = await this.answered;
    let pending = early ? this.#initId : undefined;
    const stdio = this.#stdio;
    const relay: Transport = {
      start: async () => {},
      close: () => stdio.close(),
      send: async (message) => {
        if (!isResponseTo(message, pending)) return stdio.send(message);
        pending = undefined;
        if (JSON.stringify(message) !== JSON.stringify(early)) onMismatch(early, message);
      },
    };
    await server.connect(relay);
    this.#relay = relay;
    for (const message of this.#queue.splice(0)) relay.onmessage?.(message);
    if (this.#closed) relay.onclose?.();
  }
}
