import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { errors as joseErrors, jwtVerify } from 'jose';
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
}

export function createAuth(options: AuthOptions): Auth {
  if (options.jwtSecret !== undefined && options.jwtSecret.length < 32) {
    throw new Error('the JWT secret must be at least 32 characters');
  }
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const apiKeys = options.apiKeys ?? [];

  async function verifyJwt(token: string): Promise<Principal> {
    if (!secret) throw unauthorized('bearer tokens are not accepted by this service');
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

  return { authenticate, requireRole };
}
