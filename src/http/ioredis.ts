// An ESM door to ioredis for the lazy import in redis.ts (as src/core/undici-pool.ts is for undici):
// ioredis is CommonJS, and imported dynamically and directly the bundle's split chunk would expose
// only its `default`, so `Redis` would come out undefined ("is not a constructor").
export { Redis } from 'ioredis';
