/**
 * `out[key] = value`, except that a "__proto__" key (JSON.parse makes one from platform data)
 * stays a plain key: assigned, it would set the object's prototype, and the value would vanish
 * from its JSON while still readable through the object.
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
