// What a regime adds to the shared service when it needs more than the core's requests,
// consents, records, breaches and assessment: HIPAA's PHI access accounting, SOX's change
// management, PIPEDA's RROSH, POPIA's direct-marketing rule. An extension lives in
// src/extensions/<regime>/ and is registered in src/extensions/index.ts; its routes sit
// under the same /api/<name>/ prefix, behind the same auth and readiness gate.
import type { Auth, Logger, ServiceMetrics, z } from '@azora/service-kit';
import type { Express, Request, RequestHandler } from 'express';
import type { Finding } from '../pii/scanner.ts';
import type { ControlCheck, Idempotency, StoreContext } from '../store/context.ts';

/** A finding of an extension's scanner: the core's shape, with the extension's own type names. */
export type ScanFinding = Omit<Finding, 'type'> & { type: string };

/** What the service hands an extension's `routes`. */
export interface ExtensionKit {
  /** `/api/<name>`: every route of the extension starts with it. */
  api: string;
  ctx: StoreContext;
  auth: Auth;
  metrics: ServiceMetrics;
  /** 503 until the database is migrated: put it after the role check of every data route. */
  ready: RequestHandler;
  /** The authenticated caller's subject (what the audit log records as the actor). */
  actor: (req: Request) => string;
  /** The `:id` parameter, a UUID, or a 400. */
  id: (req: Request) => string;
  /** The request's optional Idempotency-Key, for creates (see the core's POST routes). */
  idempotencyOf: (req: Request) => Idempotency | undefined;
  /** The body of a step whose fields are all optional: none sent is `{}`. */
  optionalBody: <T extends object>(schema: z.ZodType<T | undefined>, req: Request) => Partial<T>;
}

export interface ComplianceExtension {
  /**
   * The roles the extension's routes accept besides the core's dpo, operator and auditor,
   * each with what it is for (the README and `pnpm dev`'s keys list them).
   */
  roles?: Readonly<Record<string, string>>;
  /** Adds the regime's routes (before the core's error handler, so StoreError answers as usual). */
  routes: (app: Express, kit: ExtensionKit) => void;
  /** The automatic controls its rule pack names in `ControlRule.automatic`. */
  checks?: Readonly<Record<string, ControlCheck>>;
  /**
   * Replaces the core's scanPii in `POST <prefix>/pii/scan` (HIPAA: its identifiers on top of
   * the core's). Findings must not overlap; input over the core's limit throws PiiInputTooLargeError.
   */
  scanner?: (text: string) => readonly ScanFinding[];
  /** The types `scanner` reports, so the findings metric starts at 0 for each. */
  scannerTypes?: readonly string[];
  /** DEMO_SEED data of the regime, written after the core's demo data, through its store functions. */
  seed?: (ctx: StoreContext, logger: Logger) => Promise<void>;
}
