/**
 * `neardup/redis`: the Redis storage of {@link RedisStorage}, a separate entry so the core
 * (`neardup`) stays free of Node built-ins and of the `ioredis` dependency.
 *
 * @packageDocumentation
 */

export type { RedisStorageOptions } from './storage/redis.js';
export { RedisStorage } from './storage/redis.js';
