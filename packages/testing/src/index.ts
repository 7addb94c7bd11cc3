export { freePort, type StartedApp, startApp } from './http.ts';
export { type EmbeddedMongo, startEmbeddedMongo } from './mongo.ts';
export { createTestMqtt, type TestMqtt, testMqttUrl } from './mqtt.ts';
export { adminDatabaseUrl, createTestDatabase, type TestDatabase } from './postgres.ts';
export { type NodeProcess, type NodeProcessOptions, startNodeProcess } from './process.ts';
export { createTestRedis, type TestRedis, testRedisUrl } from './redis.ts';
