/**
 * A signal that aborts when `parent` does or after `ms`, whichever comes first; call dispose()
 * when done. Used instead of AbortSignal.any([..., AbortSignal.timeout()]): on Node 20 those
 * signals are only weakly held and can be collected before they fire, so a deadline may never come.
 */
export function deadline(parent: AbortSignal, ms: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('deadline reached', 'TimeoutError')), ms);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}
