import type { Handler } from '../handler.js'

/** IPNS: publish with the repo's keys, resolve over the LAN DHT */
export const nameHandlers: Record<string, Handler> = {
  '/v0/name/publish': async ({ names }, a, _res, signal) => await names.publish(String(a.key ?? 'self'), String(a.value), { lifetime: a.lifetime, ttl: a.ttl, signal }),
  '/v0/name/resolve': async ({ names }, a, _res, signal) => await names.resolve(String(a.name), { nocache: a.nocache === true, signal })
}
