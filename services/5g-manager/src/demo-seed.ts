// Demo network for `pnpm dev` (DEMO_SEED=true): one operator on the ITU test PLMN 001-01 with
// cells in Johannesburg, Cape Town and along the N1, the four standard slice types, the slices
// each tracking area offers, five subscribers and a few admitted sessions — written through the
// service's own stores. It runs only into a network without that operator, and the sessions
// carry fixed Idempotency-Keys, so starting again adds nothing.
import type { Logger } from '@azora/service-kit';
import { StoreError } from './db.ts';
import type { NetworkStore } from './network.ts';
import { AdmissionRefused, type SessionStore } from './sessions.ts';
import type { Snssai } from './snssai.ts';

export const DEMO_OPERATOR = { name: 'Azora Mobile', mcc: '001', mnc: '01' };

const EMBB: Snssai = { sst: 1, sd: '000001' };
const URLLC: Snssai = { sst: 2, sd: '000001' };
const MIOT: Snssai = { sst: 3, sd: '000001' };
const V2X: Snssai = { sst: 4, sd: '000001' };

const SLICES = [
  {
    snssai: EMBB,
    name: 'Consumer broadband',
    guaranteedBitrateKbps: 2_000_000,
    maxBitrateKbps: 100_000,
    maxSessions: 500,
    latencyBudgetMs: 50,
  },
  {
    snssai: URLLC,
    name: 'Factory automation',
    guaranteedBitrateKbps: 50_000,
    maxBitrateKbps: 2_000,
    maxSessions: 200,
    latencyBudgetMs: 5,
  },
  {
    snssai: MIOT,
    name: 'Smart meters',
    guaranteedBitrateKbps: 20_000,
    maxBitrateKbps: 100,
    maxSessions: 5_000,
    latencyBudgetMs: 1_000,
  },
  {
    snssai: V2X,
    name: 'Connected vehicles',
    guaranteedBitrateKbps: 100_000,
    maxBitrateKbps: 10_000,
    maxSessions: 300,
    latencyBudgetMs: 20,
  },
];

const TRACKING_AREAS = [
  { tac: '000101', name: 'Johannesburg CBD', slices: [EMBB, URLLC, MIOT, V2X] },
  { tac: '000102', name: 'Cape Town Foreshore', slices: [EMBB, URLLC, MIOT] },
  { tac: '000103', name: 'N1 Midrand corridor', slices: [EMBB, MIOT, V2X] },
];

const CELLS = [
  {
    name: 'JHB-Braamfontein-1',
    gnbId: 4_200_101,
    tac: '000101',
    band: 'n78',
    location: { latitude: -26.1929, longitude: 28.0305 },
    maxSessions: 400,
  },
  {
    name: 'JHB-Marshalltown-1',
    gnbId: 4_200_102,
    tac: '000101',
    band: 'n78',
    location: { latitude: -26.2064, longitude: 28.0411 },
    maxSessions: 400,
  },
  {
    name: 'CPT-Foreshore-1',
    gnbId: 4_200_201,
    tac: '000102',
    band: 'n78',
    location: { latitude: -33.9185, longitude: 18.4291 },
    maxSessions: 300,
  },
  {
    name: 'N1-Midrand-1',
    gnbId: 4_200_301,
    tac: '000103',
    band: 'n28',
    location: { latitude: -25.9992, longitude: 28.1263 },
    maxSessions: 600,
  },
];

const SUBSCRIBERS = [
  { supi: 'imsi-001010000000001', subscribedSnssais: [EMBB, URLLC], defaultSnssais: [EMBB] },
  { supi: 'imsi-001010000000002', subscribedSnssais: [EMBB], defaultSnssais: [EMBB] },
  { supi: 'imsi-001010000000003', subscribedSnssais: [MIOT], defaultSnssais: [MIOT] },
  { supi: 'imsi-001010000000004', subscribedSnssais: [EMBB, V2X], defaultSnssais: [EMBB, V2X] },
  { supi: 'imsi-001010000000005', subscribedSnssais: [URLLC, MIOT], defaultSnssais: [URLLC] },
];

export async function seedDemoNetwork(network: NetworkStore, sessions: SessionStore, logger: Logger): Promise<void> {
  const existing = (await network.listOperators()).find((operator) => operator.name === DEMO_OPERATOR.name);
  const operator = existing ?? (await network.createOperator(DEMO_OPERATOR));
  if (!existing) {
    for (const slice of SLICES) await network.createSlice({ operatorId: operator.id, ...slice });
    for (const area of TRACKING_AREAS) await network.putTrackingArea(operator.id, area.tac, area);
    for (const cell of CELLS) await network.createCell({ operatorId: operator.id, ...cell });
    for (const subscriber of SUBSCRIBERS) await network.createSubscriber({ operatorId: operator.id, ...subscriber });
  }
  const cells = new Map((await network.listCells(operator.id)).map((cell) => [cell.name, cell.id]));
  const demoSessions = [
    { supi: 'imsi-001010000000001', snssai: EMBB, cell: 'JHB-Braamfontein-1', bitrateKbps: 50_000 },
    { supi: 'imsi-001010000000001', snssai: URLLC, cell: 'JHB-Braamfontein-1', bitrateKbps: 1_000 },
    { supi: 'imsi-001010000000004', snssai: V2X, cell: 'N1-Midrand-1', bitrateKbps: 8_000 },
    { supi: 'imsi-001010000000003', snssai: MIOT, cell: 'CPT-Foreshore-1', bitrateKbps: 64 },
  ];
  for (const [index, session] of demoSessions.entries()) {
    const cellId = cells.get(session.cell);
    if (!cellId) continue; // renamed or deleted since the first seed
    try {
      await sessions.admit({ ...session, cellId, by: 'demo-seed', idempotencyKey: `demo-session-${index}` });
    } catch (error) {
      // A demo subscriber deleted or a slice reconfigured since: the rest of the demo still starts.
      if (!(error instanceof StoreError || error instanceof AdmissionRefused)) throw error;
      logger.warn({ err: error, supi: session.supi }, 'demo session not admitted');
    }
  }
  logger.info({ operator: operator.id, cells: cells.size }, existing ? 'demo network present' : 'demo network seeded');
}
