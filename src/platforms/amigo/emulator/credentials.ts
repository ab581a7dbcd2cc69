// Sandbox credentials: fixed, recognisable and clearly fictional, so a sandbox session is obvious
// in any log and no real key can be mistaken for one.
export const AMIGO_SANDBOX_API_KEY = 'amigo_sandbox_key_00000000000000000000';
export const AMIGO_SANDBOX_WORKSPACE_ID = '5a4d0b0c-0000-4000-8000-000000000001';
