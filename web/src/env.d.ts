/** The verification worker's hashed URL, set by web/build.ts. */
declare const __VERIFY_WORKER__: string;
declare module '*.css';
interface Window {
  ethereum?: { request(args: { method: string; params?: unknown[] }): Promise<unknown> };
}
