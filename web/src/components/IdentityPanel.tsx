import { useState } from 'preact/hooks';
import { connectWallet, forgetBrowserKey, newBrowserKey } from '../identity.ts';
import { useIdentity } from '../hooks.ts';
import { errorText } from '../api.ts';

/** Who signs: a key kept in this browser (labelled as such), an injected wallet, or nobody yet. */
export function IdentityPanel() {
  const id = useIdentity();
  const [error, setError] = useState('');
  const wallet = async () => {
    setError('');
    try {
      await connectWallet();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="identity" aria-live="polite">
      {id.kind === 'none' && <p>Calls that move money are signed. Choose who signs:</p>}
      {id.kind === 'browser' && (
        <p>
          Signing as <code class="addr">{id.address}</code> with a <strong>key generated and kept in this browser</strong> (localStorage: a
          development key, not a wallet; anyone with this browser profile can use it).
        </p>
      )}
      {id.kind === 'wallet' && (
        <p>
          Signing as <code class="addr">{id.address}</code> with your <strong>wallet</strong> (EIP-191 personal_sign).
        </p>
      )}
      <div class="row">
        <button type="button" onClick={() => newBrowserKey()}>
          {id.kind === 'browser' ? 'Replace the browser key' : 'Generate a browser key'}
        </button>
        <button type="button" class="secondary" onClick={wallet}>
          Connect a wallet
        </button>
        {id.kind === 'browser' && (
          <button type="button" class="secondary" onClick={() => forgetBrowserKey()}>
            Forget the browser key
          </button>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
