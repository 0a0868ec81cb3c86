import { useState } from 'preact/hooks';
import { pm, errorText, type Program, type SubmitRequestInput } from '../api.ts';
import { IdentityPanel } from '../components/IdentityPanel.tsx';
import { Card, ErrorBox, Field, Loading } from '../components/ui.tsx';
import { money } from '../format.ts';
import { useAsync, useIdentity } from '../hooks.ts';

const EXAMPLES: Record<string, string> = {
  'data-commitment': 'hello proofmarket',
  'range-proof': '{"value": "42", "min": "0", "max": "100"}',
  json: '{"a": "3", "b": "11"}',
};

/** Ask for a proof: the request's terms, signed as you, then followed live on its page. */
export function SubmitPage() {
  const id = useIdentity();
  const programs = useAsync(() => pm().listPrograms(), []);
  const [programId, setProgramId] = useState('');
  const program = programs.data?.find((p) => p.program_id === programId) ?? programs.data?.[0];
  if (!programs.data) return <Loading what="the programs" />;
  return (
    <>
      <div class="page-head">
        <h1>Request a proof</h1>
      </div>
      <Card title="Who signs">
        <IdentityPanel />
      </Card>
      {program && <RequestForm key={program.program_id} programs={programs.data} program={program} onProgram={setProgramId} signed={id.kind !== 'none'} />}
    </>
  );
}

function RequestForm({ programs, program, onProgram, signed }: { programs: Program[]; program: Program; onProgram: (id: string) => void; signed: boolean }) {
  const book = useAsync(() => pm().orderBook(program.proof_system), [program.proof_system]);
  const [error, setError] = useState<unknown>();
  const [sending, setSending] = useState(false);
  const hint = book.data?.suggested_price?.p90 ?? book.data?.best_ask ?? undefined;

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    const num = (k: string) => (text(k) === '' ? undefined : Number(text(k)));
    const amount = (k: string) => (text(k) === '' ? undefined : text(k));
    const reauction = { max_price_step: amount('max_price_step'), max_price_ceiling: amount('max_price_ceiling'), min_reputation_step: num('min_reputation_step'), min_reputation_floor: num('min_reputation_floor') };
    const hasReauction = Object.values(reauction).some((v) => v !== undefined);
    const body: SubmitRequestInput = {
      program_id: program.program_id,
      backend: text('backend'),
      input: base64(new TextEncoder().encode(String(form.get('input') ?? ''))),
      max_price: text('max_price'),
      priority: text('priority') as SubmitRequestInput['priority'],
      auction: auctionTerms(text('mechanism'), num('bid_window'), num('choice_window')),
      ...(num('deadline') !== undefined ? { deadline: num('deadline') } : {}),
      ...(num('min_reputation') !== undefined ? { min_reputation: num('min_reputation') } : {}),
      ...(hasReauction ? { reauction: Object.fromEntries(Object.entries(reauction).filter(([, v]) => v !== undefined)) } : {}),
    };
    setSending(true);
    setError(undefined);
    try {
      const r = await pm().submitRequest(body);
      location.hash = `#/requests/${encodeURIComponent(r.request_id)}`;
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <Card title="The request">
      <form class="form" onSubmit={submit}>
        <Field label="Program" hint={`input: ${program.input_encoding}${program.max_input_bytes ? `, at most ${program.max_input_bytes} bytes` : ''}`}>
          <select name="program" value={program.program_id} onChange={(e) => onProgram(e.currentTarget.value)}>
            {programs.map((p) => <option value={p.program_id}>{p.name} ({p.proof_system})</option>)}
          </select>
        </Field>
        <Field label="Backend" hint="the program's proof system">
          <input name="backend" value={program.proof_system} readOnly />
        </Field>
        <Field label="Input" hint="sent as the UTF-8 bytes of this text">
          <textarea name="input" rows={3} required>{EXAMPLES[program.input_encoding] ?? ''}</textarea>
        </Field>
        <Field label="Mechanism">
          <select name="mechanism">
            <option value="fixed">fixed: the first eligible prover takes it at the max price</option>
            <option value="weighted">weighted: best score of price and reputation</option>
            <option value="sealed">sealed: second price, commit then reveal</option>
            <option value="rising">rising: the price ramps up until a prover locks it</option>
            <option value="requester_choice">requester choice: you pick among the bids (else the weighted rule)</option>
          </select>
        </Field>
        <Field label="Bid window (seconds)" hint="default: the mechanism's (requester choice: 10 s)">
          <input name="bid_window" inputMode="numeric" pattern="[0-9]*" />
        </Field>
        <Field label="Choice window (seconds)" hint="requester choice only: how long you may choose after the bids close (default 60 s)">
          <input name="choice_window" inputMode="numeric" pattern="[0-9]*" />
        </Field>
        <Field
          label="Max price (base units)"
          hint={book.data ? (hint ? <>going price {money(hint)} {book.data.suggested_price ? `(p90 of ${book.data.suggested_price.count} recent proofs; p50 ${money(book.data.suggested_price.p50)})` : '(cheapest prover)'}</> : 'no recent price on this backend') : 'reading the order book…'}
        >
          <input name="max_price" inputMode="numeric" pattern="[0-9]+" required value={hint ?? '1000'} />
        </Field>
        <Field label="Priority">
          <select name="priority">
            <option value="normal">normal</option>
            <option value="low">low</option>
            <option value="high">high</option>
            <option value="urgent">urgent</option>
          </select>
        </Field>
        <Field label="Deadline (minutes)" hint="default: the coordinator's">
          <input name="deadline" inputMode="numeric" pattern="[0-9]*" placeholder="60" />
        </Field>
        <Field label="Min reputation (0–5 stars)">
          <input name="min_reputation" inputMode="decimal" placeholder="0" />
        </Field>
        <details class="wide">
          <summary>Re-auction policy (when a round finds no winner)</summary>
          <div class="form">
            <Field label="Raise the max price by"><input name="max_price_step" inputMode="numeric" pattern="[0-9]*" /></Field>
            <Field label="Up to"><input name="max_price_ceiling" inputMode="numeric" pattern="[0-9]*" /></Field>
            <Field label="Lower min reputation by"><input name="min_reputation_step" inputMode="decimal" /></Field>
            <Field label="Down to"><input name="min_reputation_floor" inputMode="decimal" /></Field>
          </div>
        </details>
        <div class="wide row">
          <button type="submit" disabled={sending || !signed}>{sending ? 'Submitting…' : 'Sign and submit'}</button>
          {!signed && <span class="muted">Choose who signs first.</span>}
        </div>
        <div class="wide"><ErrorBox error={error && errorText(error)} /></div>
      </form>
    </Card>
  );
}

/** The mechanism with the windows given (seconds on the form, milliseconds on the wire). */
function auctionTerms(mechanism: string, bidWindowS: number | undefined, choiceWindowS: number | undefined): SubmitRequestInput['auction'] {
  const ms = (s: number | undefined) => (s === undefined ? undefined : Math.round(s * 1000));
  const windows = { bid_window_ms: mechanism === 'fixed' ? undefined : ms(bidWindowS), choice_window_ms: mechanism === 'requester_choice' ? ms(choiceWindowS) : undefined };
  return { mechanism, ...Object.fromEntries(Object.entries(windows).filter(([, v]) => v !== undefined)) } as SubmitRequestInput['auction'];
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
