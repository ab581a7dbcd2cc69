// Sandbox credentials: fixed, recognisable and clearly fictional, so a sandbox session is obvious
// in any log and no real key can be mistaken for one.
export const ATTHENE_SANDBOX_API_KEY = 'atthene_sandbox_key_000000000000000000';
export const ATTHENE_EXPIRED_KEY = 'atthene_sandbox_key_expired_0000000000';
