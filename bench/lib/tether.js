// For bench child scripts spawned with an IPC channel: exit when it closes (the bench ended or died),
// so no child outlives the bench even when the bench itself is killed with SIGKILL.
export function tether() {
  if (process.send) process.on('disconnect', () => process.exit(0));
}
