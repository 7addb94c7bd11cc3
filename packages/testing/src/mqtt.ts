import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

export function testMqttUrl(): string {
  return process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
}

export interface TestMqtt {
  /** Every topic of this test file starts with it, e.g. `test/lq3k9a1b2/`. */
  prefix: string;
  url: string;
  client: MqttClient;
  /** The prefixed form of a topic. */
  topic: (suffix: string) => string;
  /** Clears retained messages this file published and disconnects. */
  cleanup: () => Promise<void>;
}

/** A topic prefix of its own on the real MQTT broker for one test file. */
export async function createTestMqtt(name = 'test'): Promise<TestMqtt> {
  const prefix = `${name}/${Date.now().toString(36)}${randomBytes(4).toString('hex')}/`;
  const url = testMqttUrl();
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000 });
  const retained = new Set<string>();
  const originalPublish = client.publishAsync.bind(client);
  // Remember retained topics so cleanup can clear them from the broker.
  client.publishAsync = ((topic: string, message: string | Buffer, opts?: mqtt.IClientPublishOptions) => {
    if (opts?.retain) retained.add(topic);
    return originalPublish(topic, message, opts);
  }) as typeof client.publishAsync;
  return {
    prefix,
    url,
    client,
    topic: (suffix) => `${prefix}${suffix.replace(/^\/+/, '')}`,
    cleanup: async () => {
      for (const topic of retained) await originalPublish(topic, '', { retain: true, qos: 1 });
      await client.endAsync();
    },
  };
}
