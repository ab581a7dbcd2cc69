// Preloaded into a measured server (`node --expose-gc --import ./bench/heap-hook.js <server>`),
// spawned with an IPC channel: answers {type:'heap'} with the heap in use after full GCs, measured
// inside the server's own process ({type:'cpu'}: its CPU time so far, in µs; {type:'snapshot', file}
// writes a heap snapshot), and exits
// when the channel closes (no orphan if the bench dies).
// Bench-only: nothing in src/ knows about it.
if (process.send) {
  process.on('message', async (message) => {
    if (message?.type === 'snapshot') {
      // For bench/heap-diff.js: a heap snapshot written where the bench asks.
      for (let i = 0; i < 4; i++) globalThis.gc?.();
      const { writeHeapSnapshot } = await import('node:v8');
      process.send({ type: 'snapshot', file: writeHeapSnapshot(message.file) });
      return;
    }
    if (message?.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ type: 'cpu', micros: user + system });
      return;
    }
    if (message?.type !== 'heap') return;
    // Several passes: weak references and finalizers free more on the second and third.
    for (let i = 0; i < 4; i++) globalThis.gc?.();
    process.send({ type: 'heap', heapUsed: process.memoryUsage().heapUsed, gc: typeof globalThis.gc });
  });
  process.on('disconnect', () => process.exit(0));
  // The channel must not keep a server alive by itself, nor keep the event loop from idling.
  process.channel?.unref();
}
