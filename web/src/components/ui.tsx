import { cloneElement, type ComponentChildren, type VNode } from 'preact';
import { useId } from 'preact/hooks';
import { errorText } from '../api.ts';

export function Badge({ status }: { status: string }) {
  return <span class={`badge s-${status}`}>{status.replace('_', ' ')}</span>;
}

export function Stat({ label, value, hint }: { label: string; value: ComponentChildren; hint?: string }) {
  // words (a status, a program's name) are set smaller than figures, so they fit a narrow tile unbroken
  const wordy = typeof value !== 'string' || /[a-z]{4}/i.test(value);
  return (
    <div class="stat">
      <div class="stat-label">{label}</div>
      <div class={wordy ? 'stat-value text' : 'stat-value'}>{value}</div>
      {hint && <div class="stat-hint">{hint}</div>}
    </div>
  );
}

export function Card({ title, children, actions, id }: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  const heading = id ?? `h-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section class="card" aria-labelledby={heading}>
      <div class="card-head">
        <h2 id={heading}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {errorText(error)}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A labelled form control: the label names it (for/id), the hint describes it (aria-describedby). */
export function Field({ label, hint, children }: { label: string; hint?: ComponentChildren; children: VNode<Record<string, unknown>> }) {
  const id = useId();
  return (
    <div class="field">
      <label class="field-label" for={id}>{label}</label>
      {cloneElement(children, { id, 'aria-describedby': hint ? `${id}-hint` : undefined })}
      {hint && <span class="field-hint" id={`${id}-hint`}>{hint}</span>}
    </div>
  );
}

/** A wide table that scrolls sideways on a phone, as a focusable region (so the keyboard can scroll it). */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table>{children}</table>
    </div>
  );
}

export const link = (path: string) => `#${path}`;
