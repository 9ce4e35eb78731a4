import { z } from 'zod'

/**
 * The arguments of every control API call, checked before a handler sees
 * them: a request from a client that is not ours (or a bug) gets a clear
 * error naming the field, never an internal error halfway through a handler.
 * Unknown fields are refused, so a misspelt option is not silently ignored.
 */
const cid = z.string().min(1)
const count = z.number().int().nonnegative()
const ms = z.number().int().positive()

export const API_ARGS = {
  '/v0/id': z.strictObject({}),
  '/v0/peers/ls': z.strictObject({}),
  '/v0/peers/connect': z.strictObject({ addr: z.string().min(1) }),
  '/v0/peers/disconnect': z.strictObject({ peer: z.string().min(1) }),
  '/v0/providers': z.strictObject({ cid, limit: count.optional(), timeoutMs: ms.optional() }),
  '/v0/add': z.strictObject({
    paths: z.array(z.string().min(1)).min(1),
    pin: z.boolean().optional(),
    options: z.strictObject({
      recursive: z.boolean().optional(),
      wrapWithDirectory: z.boolean().optional(),
      hidden: z.boolean().optional(),
      cidVersion: z.union([z.literal(0), z.literal(1)]).optional(),
      rawLeaves: z.boolean().optional(),
      chunker: z.string().optional()
    }).optional()
  }),
  '/v0/pin/add': z.strictObject({ cids: z.array(cid).min(1), recursive: z.boolean().optional() }),
  '/v0/pin/rm': z.strictObject({ cids: z.array(cid).min(1) }),
  '/v0/pin/ls': z.strictObject({}),
  '/v0/pin/verify': z.strictObject({}),
  '/v0/repo/gc': z.strictObject({}),
  '/v0/repo/stat': z.strictObject({}),
  '/v0/repo/verify': z.strictObject({}),
  '/v0/cat': z.strictObject({ target: z.string().min(1), offset: count.optional(), length: count.optional() }),
  '/v0/dag/import': z.strictObject({ file: z.string().min(1), pinRoots: z.boolean().optional() }),
  '/v0/block/fetch': z.strictObject({ cid }),
  '/v0/run': z.strictObject({
    module: z.string().optional(),
    moduleCid: cid.optional(),
    name: z.string().min(1),
    args: z.array(z.string()).optional(),
    env: z.array(z.tuple([z.string(), z.string()])).optional(),
    inputs: z.array(z.strictObject({ cid, path: z.string().optional() })).optional(),
    limits: z.record(z.string(), count).optional(),
    seed: z.string().optional(),
    force: z.boolean().optional(),
    timeoutMs: ms.optional(),
    on: z.string().min(1).optional(),
    replicas: z.number().int().positive().optional(),
    publish: z.string().min(1).optional()
  }).refine(a => (a.module === undefined) !== (a.moduleCid === undefined), 'give exactly one of module and moduleCid'),
  '/v0/verify': z.strictObject({ target: cid, job: cid.optional(), timeoutMs: ms.optional() }),
  '/v0/receipts/ls': z.strictObject({}),
  '/v0/name/publish': z.strictObject({ value: z.string().min(1), key: z.string().min(1).optional(), lifetime: ms.optional(), ttl: ms.optional() }),
  '/v0/name/resolve': z.strictObject({ name: z.string().min(1), nocache: z.boolean().optional() })
} as const

export type ApiCall = keyof typeof API_ARGS
/** The checked arguments of a call */
export type ApiArgs<C extends ApiCall> = z.infer<typeof API_ARGS[C]>

/** The first problem zod found, as one line: `paths: expected array, received null` */
export function describeIssue (error: z.ZodError): string {
  const issue = error.issues[0]
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  return `${where}${issue.message}`
}
