import { useState } from 'preact/hooks';
import { pm, errorText } from '../api.ts';
import { IdentityPanel } from '../components/IdentityPanel.tsx';
import { Card, Field, Loading, Stat, TableWrap, link } from '../components/ui.tsx';
import { money, short, time } from '../format.ts';
import { useAsync, useEvents, useIdentity, useThrottled } from '../hooks.ts';

/** Your money: balance, escrow, the stake and earnings of your provers, the ledger's entries; deposit and withdraw. */
export function AccountPage() {
  const id = useIdentity();
  const address = id.kind === 'none' ? undefined : id.address;
  const account = useAsync(() => (address ? pm().account(address) : Promise.resolve(undefined)), [address]);
  useEvents(address ? {} : undefined, useThrottled(account.reload, 1500), [address]);
  return (
    <>
      <div class="page-head">
        <h1>Account</h1>
      </div>
      <Card title="Who you are">
        <IdentityPanel />
      </Card>
      {address && !account.data && <Loading what="the account" />}
      {account.data && (
        <>
          <section class="stats" aria-label="Balances">
            <Stat label="Balance" value={money(account.data.balance)} hint="free to spend or withdraw" />
            <Stat label="In escrow" value={money(account.data.escrow ?? '0')} hint="held by your open requests" />
            <Stat label="Stake" value={money(sum(account.data.provers.map((p) => p.stake)))} hint={`${money(sum(account.data.provers.map((p) => p.locked)))} locked`} />
            <Stat label="Earnings" value={money(sum(account.data.provers.map((p) => p.earnings)))} hint={`${account.data.provers.length} prover(s) owned`} />
          </section>
          <Card title="Deposit and withdraw">
            <MoneyForm onDone={account.reload} provers={account.data.provers.map((p) => p.prover_id)} />
          </Card>
          {account.data.provers.length > 0 && (
            <Card title="Your provers">
              <TableWrap label="Your provers">
                <thead><tr><th scope="col">Prover</th><th scope="col" class="num">Stake</th><th scope="col" class="num">Locked</th><th scope="col" class="num">Unstaking</th><th scope="col" class="num">Earnings</th></tr></thead>
                <tbody>
                  {account.data.provers.map((p) => (
                    <tr><td><a href={link(`/provers/${encodeURIComponent(p.prover_id)}`)}>{short(p.prover_id, 16)}</a></td><td class="num">{money(p.stake)}</td><td class="num">{money(p.locked)}</td><td class="num">{money(p.unstaking)}</td><td class="num">{money(p.earnings)}</td></tr>
                  ))}
                </tbody>
              </TableWrap>
            </Card>
          )}
          <Card title="History">
            {account.data.entries.length === 0 ? <p class="muted">No movement yet.</p> : (
              <TableWrap label="Ledger entries">
                <thead><tr><th scope="col">When</th><th scope="col">Movement</th><th scope="col">For</th><th scope="col">Account</th><th scope="col" class="num">Amount</th></tr></thead>
                <tbody>
                  {account.data.entries.map((e) => (
                    <tr>
                      <td>{time(e.at)}</td>
                      <td>{e.kind.replaceAll('_', ' ')}</td>
                      <td>{e.cause_type === 'request' && e.cause_id ? <a href={link(`/requests/${encodeURIComponent(e.cause_id)}`)}>{short(e.cause_id)}</a> : (e.cause_id ?? '')}</td>
                      <td class="mono ellipsis" title={e.account}>{short(e.account, 20)}</td>
                      <td class={`num ${e.amount.startsWith('-') ? 'neg' : 'pos'}`}>{money(e.amount)}</td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            )}
          </Card>
        </>
      )}
    </>
  );
}

function MoneyForm({ onDone, provers }: { onDone: () => void; provers: string[] }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const act = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const action = (e as SubmitEvent).submitter?.getAttribute('value') ?? 'deposit';
    const amount = String(data.get('amount') ?? '').trim();
    const from = String(data.get('from') ?? '');
    try {
      const view = action === 'deposit' ? await pm().deposit(amount) : await pm().withdraw(amount, from ? { prover_id: from } : {});
      setMessage({ ok: true, text: `${action === 'deposit' ? 'Deposited' : 'Withdrew'} ${money(amount)}; balance ${money(view.balance)}` });
      form.reset();
      onDone();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    }
  };
  return (
    <form class="form" onSubmit={act}>
      <Field label="Amount (base units)" hint="deposits are recorded on trust until deposits are backed on chain">
        <input name="amount" inputMode="numeric" pattern="[0-9]+" required placeholder="1000000" />
      </Field>
      <Field label="Withdraw from">
        <select name="from">
          <option value="">my balance</option>
          {provers.map((p) => <option value={p}>earnings of {short(p, 16)}</option>)}
        </select>
      </Field>
      <div class="wide row">
        <button type="submit" value="deposit">Deposit</button>
        <button type="submit" value="withdraw" class="secondary">Withdraw</button>
      </div>
      <p class={message?.ok === false ? 'error wide' : 'wide'} role="status">{message?.text ?? ''}</p>
    </form>
  );
}

const sum = (amounts: string[]) => amounts.reduce((a, b) => a + BigInt(b), 0n).toString();
