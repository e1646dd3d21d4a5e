// POST /api/v1/redactions.json (admin): the rules of `driftwood redact` over HTTP
// (server/integrity/redaction.ts): a reason; ids, or a query within a time range whose matches
// are listed until `confirm: true`.
import type { FastifyInstance } from 'fastify';
import type { RedactionRequest, RedactionResponse } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import { checkReason, redact, redactionMatches } from '../../integrity/redaction.ts';
import type { Audit } from '../../security/audit.ts';
import type { Store } from '../../store/index.ts';

const BODY = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    ids: { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'string', pattern: '^[0-9]{1,16}$' } },
    q: { type: 'string', maxLength: 4096 },
    min_time: { type: 'integer', minimum: 0 },
    max_time: { type: 'integer', minimum: 0 },
    reason: { type: 'string' },
    confirm: { type: 'boolean' },
  },
} as const;

export async function redactionRoutes(app: FastifyInstance, opts: { store: Store; audit: Audit; now: () => number }): Promise<void> {
  app.post<{ Body: RedactionRequest }>('/api/v1/redactions.json', { schema: { body: BODY } }, async (request): Promise<RedactionResponse> => {
    const b = request.body;
    const reason = checkReason(b.reason);
    if (!reason.ok) throw appError('BAD_REQUEST', `reason: ${reason.problem}`);
    if ((b.ids !== undefined) === (b.q !== undefined)) throw appError('BAD_REQUEST', 'give ids or q (one of them)');
    let ids = (b.ids ?? []).map(Number);
    if (b.q !== undefined) {
      const matches = redactionMatches(opts.store, b.q, b.min_time, b.max_time, opts.now);
      if (!matches.ok) throw appError('BAD_REQUEST', matches.problem);
      if (!b.confirm) return { matches: matches.value, redacted: [], already: [], missing: [], refused: [], checkpointed: true };
      ids = matches.value.map((e) => Number(e.id));
    }
    const r = redact(opts.store, ids, reason.value, { user: request.principal?.user.email ?? 'unknown', ip: request.ip }, opts.audit, opts.now());
    return { redacted: r.redacted.map(String), already: r.already.map(String), missing: r.missing.map(String), refused: r.refused.map(String), checkpointed: r.checkpointed };
  });
}
