import { setTimeout as sleep } from 'node:timers/promises';
import type { ToolContext } from '../../core/registry.js';

const PROGRESS_EVERY_MS = 2000;

/**
 * Waits up to `waitSeconds` for a turn, sending progress meanwhile, and answers `running` when it
 * takes longer. The request goes on past the wait (the platform keeps the reply in the history);
 * only cancellation aborts it. A failure after `running` has no caller left, so it is logged.
 */
export async function waitForTurn<T>(
  execution: Promise<T>,
  waitSeconds: number,
  ctx: Pick<ToolContext, 'log' | 'progress' | 'signal'>,
  session: string,
): Promise<T | 'running'> {
  const started = Date.now();
  let background = false;
  execution.catch((err: unknown) => {
    if (background && !ctx.signal.aborted)
      ctx.log.warn({ session, err }, 'background Atthene execute failed after status running');
  });
  const ticker = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    void ctx.progress(seconds, waitSeconds, `agent running for ${seconds} s`);
  }, PROGRESS_EVERY_MS);
  try {
    const result = await Promise.race([
      execution,
      sleep(waitSeconds * 1000, 'waiting' as const, { signal: ctx.signal }),
    ]);
    if (result !== 'waiting') return result;
    background = true;
    ctx.log.info({ session }, 'execute still running past wait_seconds');
    return 'running';
  } finally {
    clearInterval(ticker);
  }
}
