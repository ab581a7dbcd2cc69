// Sandbox credentials: fixed, recognisable and clearly fictional, so a sandbox session is obvious
// in any log and no real key can be mistaken for one.
// AMA2 external-agent tokens are `ama_eat_` + 32 random bytes as hex (apis/ama2.md §1); the
// sandbox's start 5a4db0c5 ("sandbox") and are otherwise zeros.
export const AMA2_SANDBOX_TOKEN = 'ama_eat_5a4db0c50000000000000000000000000000000000000000000000000000000a';
/** An external-agent token without the manage_thread capability. */
export const AMA2_SANDBOX_LIMITED_TOKEN =
  'ama_eat_5a4db0c50000000000000000000000000000000000000000000000000000000b';
/** A user JWT of the first sandbox user (unsigned: the sandbox only compares it). */
export const AMA2_SANDBOX_USER_TOKEN =
  'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiI3YTFjMGQyZS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMGEwMDEiLCJhdWQiOiJhdXRoZW50aWNhdGVkIn0.sandbox';
export const AMIGO_SANDBOX_API_KEY = 'amigo_sandbox_key_00000000000000000000';
export const AMIGO_SANDBOX_WORKSPACE_ID = '5a4d0b0c-0000-4000-8000-000000000001';
export const ATTHENE_SANDBOX_API_KEY = 'atthene_sandbox_key_000000000000000000';
/** A key the Atthene sandbox knows but treats as expired. */
export const ATTHENE_EXPIRED_KEY = 'atthene_sandbox_key_expired_0000000000';
