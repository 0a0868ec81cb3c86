import { before, after } from 'node:test';
import { BaseError, ContractFunctionRevertedError, type Hex } from 'viem';
import { anvilBinary, startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { anvilAccount, publicClientFor, testClientFor, walletFor, type Wallet } from '../../src/chain/client.ts';

/**
 * One anvil per test file, started in `before` and stopped in `after`. Without the anvil package the file's
 * tests skip outside CI and fail under CI=true (CI installs it with `npm ci`).
 */
export const anvilSkip: string | false = anvilBinary() || process.env.CI === 'true' ? false : 'anvil is not installed (npm package @foundry-rs/anvil-linux-amd64)';

export interface ChainFixture {
  anvil: Anvil;
  rpcUrl: string;
  public: ReturnType<typeof publicClientFor>;
  test: ReturnType<typeof testClientFor>;
  /** anvil's funded dev accounts 0-9 as wallets. */
  wallets: Wallet[];
}

/** Registers before/after hooks for a shared anvil; the returned object is filled in by `before`. */
export function useAnvil(): ChainFixture {
  const fx = {} as ChainFixture;
  before(async () => {
    if (anvilSkip) return;
    fx.anvil = await startAnvil();
    fx.rpcUrl = fx.anvil.rpcUrl;
    fx.public = publicClientFor(fx.rpcUrl);
    fx.test = testClientFor(fx.rpcUrl);
    fx.wallets = Array.from({ length: 10 }, (_, i) => walletFor(fx.rpcUrl, anvilAccount(i)));
  });
  after(async () => {
    await fx.anvil?.stop();
  });
  return fx;
}

/** Runs `body` and reverts the chain to where it was before (evm_snapshot / evm_revert). */
export async function isolated<T>(fx: ChainFixture, body: () => Promise<T>): Promise<T> {
  const id = await fx.test.snapshot();
  try {
    return await body();
  } finally {
    await fx.test.revert({ id });
  }
}

/** The custom error name a call reverted with (viem decodes it against the ABI), or throws if it did not revert. */
export async function revertName(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (err instanceof BaseError) {
      const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
      if (revert instanceof ContractFunctionRevertedError) return revert.data?.errorName ?? revert.reason ?? 'unknown revert';
    }
    throw err;
  }
  throw new Error('expected the call to revert, and it succeeded');
}

export async function balanceOf(fx: ChainFixture, address: Hex): Promise<bigint> {
  return fx.public.getBalance({ address });
}
