// `driftwood token add NAME --user EMAIL | list [--user EMAIL] | rm ID` (DESIGN 8): API tokens, on
// DRIFTWOOD_DATA_DIR directly. `add` prints the token once, alone on the last line of stdout, so
// scripts can take it with `| tail -n 1`. `rm` takes effect on the server's next request.
import { checkTokenName } from '../http/routes/tokens.ts';
import { cliAudit, fail, takeOption, UsageError, withStore } from './accounts.ts';

const USAGE = `usage: driftwood token add NAME --user EMAIL   (prints the token once, on the last line)
       driftwood token list [--user EMAIL]
       driftwood token rm ID
`;

export async function token(argv: string[]): Promise<number> {
  const args = [...argv];
  return withStore(USAGE, async (store) => {
    const email = takeOption(args, '--user');
    const [sub, arg, ...extra] = args;
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    const owner = email === undefined ? undefined : store.users.find(email.trim());
    if (email !== undefined && !owner) return fail(`no user ${email} (driftwood user list)`);
    if (sub === 'add' && arg) {
      if (!owner) throw new UsageError('token add needs --user EMAIL');
      let name: string;
      try {
        name = checkTokenName(arg);
      } catch (e) {
        return fail((e as Error).message);
      }
      const { token: row, secret } = store.apiTokens.create(owner.id, name, Date.now());
      cliAudit(store, { action: 'api_token_created', outcome: 'success', user: owner.email, details: { token_id: row.id, token_name: name, owner: owner.email } });
      process.stdout.write(`Token ${row.id} "${name}" for ${owner.email} (${owner.role}). It is shown this once; store it now:\n${secret}\n`);
      return 0;
    }
    if (sub === 'list' && arg === undefined) {
      const emails = new Map(store.users.list().map((u) => [u.id, u.email]));
      for (const t of store.apiTokens.list(owner?.id)) {
        process.stdout.write(`${t.id}\t${emails.get(t.user_id)}\t${t.name}\t${t.prefix}…\tcreated ${t.created_at}\tlast used ${t.last_used_at ?? 'never'}\n`);
      }
      return 0;
    }
    if (sub === 'rm' && arg && email === undefined) {
      if (!/^\d+$/.test(arg)) throw new UsageError(`"${arg}" is not a token id (driftwood token list)`);
      const found = store.apiTokens.find(Number(arg));
      if (!found || !store.apiTokens.revoke(found.id, Date.now())) return fail(`no active token ${arg} (driftwood token list)`);
      const ownerEmail = store.users.find(found.user_id)?.email;
      cliAudit(store, { action: 'api_token_revoked', outcome: 'success', user: ownerEmail, details: { token_id: found.id, token_name: found.name, owner: ownerEmail } });
      process.stdout.write(`Token ${found.id} "${found.name}" revoked: it no longer works.\n`);
      return 0;
    }
    throw new UsageError(sub ? `unknown: token ${args.join(' ')}` : '');
  });
}
