// `driftwood alerts starter --email ADDRESS | alerts list`: on DRIFTWOOD_DATA_DIR directly (DESIGN 8),
// also while a server runs (it picks the new alerts up at its next tick).
import { checkEmails } from '../alerts/input.ts';
import { STARTER_PACK, installStarter } from '../alerts/starter.ts';
import { fail, takeOption, UsageError, withStore } from './accounts.ts';

const USAGE = `usage: driftwood alerts starter --email ADDRESS   (saved searches + 1-minute alerts mailing ADDRESS; safe to run again)
       driftwood alerts list
`;

export async function alerts(argv: string[]): Promise<number> {
  const args = [...argv];
  return withStore(USAGE, async (store) => {
    const email = takeOption(args, '--email');
    const [sub, ...extra] = args;
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (sub === 'starter') {
      if (email === undefined) throw new UsageError('alerts starter needs --email ADDRESS');
      let address: string;
      try {
        [address] = checkEmails([email]) as [string];
        if (!address) throw new Error('email: an address is required');
      } catch (e) {
        return fail((e as Error).message);
      }
      const { items } = installStarter(store, address, Date.now());
      for (const item of items) {
        const what = item.alert === 'created' ? 'created' : item.alert === 'recipient_added' ? `${address} added` : 'already there';
        const spec = STARTER_PACK.find((s) => s.key === item.key)!;
        const state = item.enabled ? '' : ' (disabled until Heroku router lines arrive: enable it then)';
        process.stdout.write(`${what.padEnd(16)} alert ${item.alert_id} on search ${item.search_id} "${item.name}" every ${spec.frequency}${state}\n`);
      }
      const created = items.filter((i) => i.alert === 'created').length;
      process.stdout.write(`Starter pack: ${created} alerts created, ${items.length - created} already present.\n`);
      return 0;
    }
    if (sub === 'list' && email === undefined) {
      for (const a of store.alerts.list()) {
        const s = store.searches.find(a.search_id);
        const condition = a.condition.type === 'none' ? 'none match' : `>= ${a.condition.count}`;
        process.stdout.write(`${a.id}\t${a.enabled ? 'on' : 'off'}\t${a.frequency}\t${condition}\t${JSON.stringify(s?.name ?? '')}\t${a.email_to.join(',')}${a.webhook_url ? '\twebhook' : ''}\n`);
      }
      return 0;
    }
    throw new UsageError(sub ? `unknown: alerts ${argv.join(' ')}` : '');
  });
}
