// `driftwood user add EMAIL [--admin] [--password-stdin] | passwd EMAIL [--password-stdin] | list`
// (DESIGN 8): accounts, on DRIFTWOOD_DATA_DIR directly.
import { checkEmail } from '../http/routes/users.ts';
import { hashPassword, passwordProblem } from '../security/passwords.ts';
import { cliAudit, fail, readNewPassword, takeFlag, UsageError, withStore } from './accounts.ts';

const USAGE = `usage: driftwood user add EMAIL [--admin] [--password-stdin]   (a member without --admin)
       driftwood user passwd EMAIL [--password-stdin]            (also signs the user out everywhere)
       driftwood user list
`;

function emailArg(raw: string | undefined): string {
  if (!raw) throw new UsageError('');
  try {
    return checkEmail(raw);
  } catch {
    throw new UsageError(`"${raw}" is not an email address`);
  }
}

export async function user(argv: string[]): Promise<number> {
  const args = [...argv];
  const admin = takeFlag(args, '--admin');
  const fromStdin = takeFlag(args, '--password-stdin');
  const [sub, rawEmail, ...extra] = args;
  return withStore(USAGE, async (store) => {
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (sub === 'add') {
      const email = emailArg(rawEmail);
      if (store.users.find(email)) return fail(`a user ${email} exists (driftwood user passwd ${email} changes the password)`);
      const password = await readNewPassword(fromStdin);
      const problem = passwordProblem(password, email);
      if (problem) return fail(problem);
      const created = store.users.create(email, admin ? 'admin' : 'member', await hashPassword(password), Date.now());
      if (!created) return fail(`a user ${email} exists`);
      cliAudit(store, { action: 'user_created', outcome: 'success', user: email, details: { target: email, role: created.role } });
      process.stdout.write(`User ${created.email} (${created.role}) created.\n`);
      return 0;
    }
    if (sub === 'passwd') {
      const email = emailArg(rawEmail);
      const found = store.users.find(email);
      if (!found) return fail(`no user ${email} (driftwood user list)`);
      const password = await readNewPassword(fromStdin);
      const problem = passwordProblem(password, email);
      if (problem) return fail(problem);
      store.users.setPassword(found.id, await hashPassword(password), Date.now());
      const ended = store.sessions.removeAllForUser(found.id);
      cliAudit(store, { action: 'password_change', outcome: 'success', user: email, details: { target: email, sessions_ended: ended } });
      process.stdout.write(`Password of ${found.email} changed; ${ended} session(s) signed out.\n`);
      return 0;
    }
    if (sub === 'list' && rawEmail === undefined) {
      for (const u of store.users.list()) process.stdout.write(`${u.id}\t${u.email}\t${u.role}\tcreated ${u.created_at}\n`);
      return 0;
    }
    throw new UsageError(sub ? `unknown: user ${sub}` : '');
  });
}
