import { createHash, timingSafeEqual } from 'node:crypto';
import { type Request, type RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HttpProblem } from './problem.ts';

/** Who made a request, once authenticated. */
export interface Principal {
  /** JWT `sub`, or the API key's name. */
  subject: string;
  roles: readonly string[];
  method: 'jwt' | 'api-key';
}

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export interface ApiKey {
  name: string;
  roles: readonly string[];
  /** SHA-256 of the key; the key itself is not kept in memory. */
  hash: Buffer;
}

export interface AuthOptions {
  /** HS256 secret for bearer JWTs (at least 32 characters). */
  jwtSecret?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  apiKeys?: readonly ApiKey[];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Parses `API_KEYS`: comma-separated `name:role1|role2:key` entries, e.g.
 * `ops-bot:admin|operator:3f9c…`. Keys must be at least 24 characters.
 */
export function parseApiKeys(value: string | undefined): ApiKey[] {
  if (!value?.trim()) return [];
  return value.split(',').map((raw, index) => {
    const parts = raw.trim().split(':');
    const [name, roles, key] = parts;
    if (parts.length !== 3 || !name || !roles || !key) {
      throw new Error(`API_KEYS entry ${index + 1} must look like name:role1|role2:key`);
    }
    if (key.length < 24) throw new Error(`API_KEYS entry "${name}" has a key shorter than 24 characters`);
    return { name, roles: roles.split('|').filter(Boolean), hash: sha256(key) };
  });
}

const unauthorized = (detail: string) =>
  new HttpProblem(401, detail, { headers: { 'www-authenticate': 'Bearer realm="azora"' } });

/**
 * Authentication and role checks. `authenticate` requires a valid bearer JWT or
 * `x-api-key` and sets `req.principal`; `requireRole` admits principals holding any of
 * the roles (401 without credentials, 403 with the wrong role).
 */
export interface Auth {
  /** Requires a valid bearer JWT or API key and sets `req.principal`. */
  authenticate: RequestHandler;
  /** Authentication plus a check that the principal holds one of the roles. */
  requireRole: (...roles: string[]) => RequestHandler[];
  /**
   * `requireRole` for the requests `applies` picks (a bulk variant of an open endpoint,
   * say); the others pass untouched.
   */
  requireRoleWhen: (applies: (req: Request) => boolean, ...roles: string[]) => RequestHandler;
  /**
   * `GET …/me`: who the credentials belong to, `{subject, roles}`, for clients (the console)
   * that cannot read an API key's roles and show only the actions the caller may take.
   */
  whoAmI: RequestHandler[];
}

/**
 * jose is loaded on first use: most services take API keys only, and the library would
 * otherwise sit in every service's memory (about 2 MB resident) without ever running.
 */
let jose: Promise<typeof import('jose')> | undefined;
function loadJose(): Promise<typeof import('jose')> {
  jose ??= import('jose');
  return jose;
}

export function createAuth(options: AuthOptions): Auth {
  if (options.jwtSecret !== undefined && options.jwtSecret.length < 32) {
    throw new Error('the JWT secret must be at least 32 characters');
  }
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const apiKeys = options.apiKeys ?? [];

  async function verifyJwt(token: string): Promise<Principal> {
    if (!secret) throw unauthorized('bearer tokens are not accepted by this service');
    const { errors: joseErrors, jwtVerify } = await loadJose();
    try {
      const { payload } = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        ...(options.jwtIssuer ? { issuer: options.jwtIssuer } : {}),
        ...(options.jwtAudience ? { audience: options.jwtAudience } : {}),
      });
      if (!payload.sub) throw unauthorized('token has no subject (sub)');
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      return { subject: payload.sub, roles, method: 'jwt' };
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      if (error instanceof joseErrors.JWTExpired) throw unauthorized('token has expired');
      throw unauthorized('token is invalid');
    }
  }

  function verifyApiKey(key: string): Principal {
    const hash = sha256(key);
    // Compare against every key so timing does not reveal which entry nearly matched.
    let found: ApiKey | undefined;
    for (const candidate of apiKeys) if (timingSafeEqual(candidate.hash, hash)) found = candidate;
    if (!found) throw unauthorized('API key is not recognised');
    return { subject: found.name, roles: found.roles, method: 'api-key' };
  }

  const authenticate: RequestHandler = async (req, _res, next) => {
    const header = req.get('authorization');
    const apiKey = req.get('x-api-key');
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token)
        throw unauthorized('authorization header must be "Bearer <token>"');
      req.principal = await verifyJwt(token);
    } else if (apiKey) {
      req.principal = verifyApiKey(apiKey);
    } else {
      throw unauthorized('authentication required: send a bearer token or an x-api-key header');
    }
    next();
  };

  function requireRole(...roles: string[]): RequestHandler[] {
    const authorize: RequestHandler = (req, _res, next) => {
      const held = req.principal?.roles ?? [];
      if (!roles.some((role) => held.includes(role))) {
        throw new HttpProblem(403, `requires one of the roles: ${roles.join(', ')}`);
      }
      next();
    };
    return [authenticate, authorize];
  }

  function requireRoleWhen(applies: (req: Request) => boolean, ...roles: string[]): RequestHandler {
    const checks = Router().use(...requireRole(...roles));
    return (req, res, next) => (applies(req) ? checks(req, res, next) : next());
  }

  const whoAmI: RequestHandler[] = [
    authenticate,
    (req, res) => {
      const { subject, roles } = req.principal as Principal;
      res.json({ subject, roles });
    },
  ];

  return { authenticate, requireRole, requireRoleWhen, whoAmI };
}

/**
 * `JWT_SECRET` (HS256, at least 32 characters) and `API_KEYS` (see parseApiKeys), both
 * optional: spread into the shape given to `loadConfig`, so a bad value stops start-up
 * with one line naming the variable. API_KEYS is read into hashes; the keys are not kept.
 */
export function authConfigShape() {
  return {
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    API_KEYS: z
      .string()
      .default('')
      .transform((value, ctx) => {
        try {
          return parseApiKeys(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^API_KEYS /, '') });
          return z.NEVER;
        }
      }),
  };
}

export type AuthConfig = z.infer<z.ZodObject<ReturnType<typeof authConfigShape>>>;

/**
 * The service's Auth from its validated config. With neither JWT_SECRET nor API_KEYS set
 * every protected route answers 401 — closed, never open — and a warning says why.
 */
export function authFromConfig(config: AuthConfig, logger?: Logger): Auth {
  if (config.JWT_SECRET === undefined && config.API_KEYS.length === 0) {
    logger?.warn('neither JWT_SECRET nor API_KEYS is set: every route that requires authentication answers 401');
  }
  return createAuth({ jwtSecret: config.JWT_SECRET, apiKeys: config.API_KEYS });
}

/**
 * A bearer JWT (HS256) with `sub` and `roles` that createAuth accepts when it has the same
 * secret: for tests, tools and local use. Expires in `expiresIn` (jose notation, default `1h`).
 */
export async function signToken(
  secret: string,
  claims: { subject: string; roles: readonly string[]; expiresIn?: string },
): Promise<string> {
  if (secret.length < 32) throw new Error('the JWT secret must be at least 32 characters');
  const { SignJWT } = await loadJose();
  return new SignJWT({ roles: [...claims.roles] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(secret));
}
