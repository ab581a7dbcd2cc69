// An ESM door to undici's Pool for the lazy import in http-client.ts. undici is CommonJS: imported
// dynamically and directly, the bundle's split chunk exposes only its `default` (so `Pool` comes out
// undefined); imported statically here, the bundler gives the named export.
export { Pool } from 'undici';
