import type { Request } from 'express';
import type { z } from 'zod';
import { fieldErrors, HttpProblem } from './problem.ts';

function check<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  const first = errors[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid';
  throw new HttpProblem(400, `invalid ${where}: ${summary}`, { extensions: { errors } });
}

/**
 * The request's JSON body, validated. A request that sent no JSON at all (wrong or
 * missing content-type) is a 415; a body of the wrong shape is a 400 listing each field.
 */
export function parseBody<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  if (req.body === undefined) {
    throw new HttpProblem(415, 'expected a JSON body with content-type: application/json');
  }
  return check(schema, req.body, 'body');
}

export function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  return check(schema, req.query, 'query');
}

export function parseParams<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  return check(schema, req.params, 'path');
}
