// Sandbox credentials: fixed, recognisable and clearly fictional, so a sandbox session is obvious
// in any log and no real key can be mistaken for one.
// AMA2 external-agent tokens are `ama_eat_` + 32 random bytes as hex (apis/ama2.md §1); the
// sandbox's start 5a4db0c5 ("sandbox") and are otherwise zeros.
export const AMA2_SANDBOX_TOKEN = 'ama_eat_5a4db0c50000000000000000000000000000000000000000000000000000000a';
export const AMA2_SANDBOX_LIMITED_TOKEN =
  'ama_eat_5a4db0c50000000000000000000000000000000000000000000000000000000b';
export const AMA2_SANDBOX_USER_TOKEN =
  'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiI3YTFjMGQyZS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMGEwMDEiLCJhdWQiOiJhdXRoZW50aWNhdGVkIn0.sandbox';
