export { freePort, type StartedApp, startApp } from './http.ts';
export { type EmbeddedMongo, type EmbeddedMongoOptions, startEmbeddedMongo } from './mongo.ts';
export { type EmbeddedMongoProcess, startEmbeddedMongoProcess } from './mongo-process.ts';
export { mongoCommand } from './mongo-wire.ts';
export { createTestMqtt, type TestMqtt, testMqttUrl } from './mqtt.ts';
export { adminDatabaseUrl, createTestDatabase, type TestDatabase } from './postgres.ts';
export { type NodeProcess, type NodeProcessOptions, startNodeProcess } from './process.ts';
export { createTestRedis, type TestRedis, testRedisUrl } from './redis.ts';
export { GiveUp, waitFor } from './wait.ts';
