import { z } from 'zod';

// Building blocks of the configuration schema, shared by the core and each platform module's
// variables: every message names the variable and says how to fix it.

/** A startup problem the user must fix; the CLI prints `message` and exits with code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const httpUrl = (name: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
      } catch {
        return false;
      }
    }, `${name} must be an http(s) URL without credentials, e.g. https://api.example.com`)
    .transform((value) => value.replace(/\/+$/, ''));

export const secret = (name: string, hint: string) =>
  z
    .string()
    .trim()
    .min(8, `${name} looks too short to be a key; ${hint}`)
    .refine((v) => !/\s/.test(v), `${name} must not contain spaces; paste the key alone`);

export const positiveInt = (name: string, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} must be at most ${max}`);
