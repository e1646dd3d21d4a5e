// First run: POST /api/v1/setup creates the first admin, only while no user exists and only with
// the one-time code that `driftwood serve` printed, so that nobody else on the network claims a
// fresh server first. GET /api/v1/setup tells the UI whether to show the setup page.
import type { FastifyInstance } from 'fastify';
import type { SessionInfo, SetupRequest, SetupStatus } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import { hashPassword, passwordProblem, PASSWORD_MAX_CHARS } from '../../security/passwords.ts';
import { setupCodeMatches } from '../../security/secrets.ts';
import { SIGN_IN_RATE, startSession, type AuthContext } from '../auth.ts';
import { beginAttempt, recordFailure } from '../sign-in.ts';
import { checkEmail, EMAIL_MAX_CHARS } from './users.ts';

const SETUP_BODY = {
  type: 'object',
  required: ['email', 'password', 'setup_code'],
  properties: {
    email: { type: 'string', maxLength: EMAIL_MAX_CHARS },
    password: { type: 'string', maxLength: PASSWORD_MAX_CHARS * 4 },
    setup_code: { type: 'string', maxLength: 64 },
  },
} as const;

// All wrong codes count against one name, whatever address they come from: 10 wrong codes lock
// setup for 15 minutes (the CLI still works), so 40 bits cannot be searched.
const SETUP_ACCOUNT = 'setup code';

export async function setupRoutes(app: FastifyInstance, opts: { ctx: AuthContext; setupCode?: string }): Promise<void> {
  const { ctx, setupCode } = opts;
  const config = { access: 'public', selfAudited: true } as const;

  app.get('/api/v1/setup', { config }, async (): Promise<SetupStatus> => ({ setup_required: ctx.store.users.count() === 0 }));

  app.post<{ Body: SetupRequest }>('/api/v1/setup', { config: { ...config, rateLimit: SIGN_IN_RATE }, schema: { body: SETUP_BODY } }, async (request, reply): Promise<SessionInfo> => {
    if (ctx.store.users.count() > 0) throw appError('CONFLICT', 'Driftwood is set up already: sign in');
    if (!setupCode) throw appError('FORBIDDEN', 'no setup code was printed: restart the server, or run `driftwood user add EMAIL --admin`');
    const attempt = beginAttempt(ctx, request, reply, 'setup', SETUP_ACCOUNT);
    if (!setupCodeMatches(request.body.setup_code, setupCode)) {
      recordFailure(ctx, request, attempt, 'setup', SETUP_ACCOUNT, 'wrong setup code');
      throw appError('FORBIDDEN', 'wrong setup code: use the one `driftwood serve` printed');
    }
    attempt.succeed();
    const email = checkEmail(request.body.email);
    const problem = passwordProblem(request.body.password, email);
    if (problem) throw appError('BAD_REQUEST', problem);
    const user = ctx.store.users.createFirstAdmin(email, await hashPassword(request.body.password), ctx.now());
    if (!user) throw appError('CONFLICT', 'Driftwood is set up already: sign in');
    ctx.auditRequest(request, { action: 'setup', outcome: 'success', user: email });
    ctx.auditRequest(request, { action: 'user_created', outcome: 'success', user: email, details: { target: email, role: 'admin', via: 'setup' } });
    const csrf = startSession(ctx, request, reply, user);
    reply.code(201);
    return { user, via: 'session', csrf_token: csrf };
  });
}
