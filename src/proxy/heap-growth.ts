/**
 * The V8 flag a process that runs a proxy sets once, before it relays: grow the heap by
 * x4 after each full collection, V8's own upper bound, instead of the factor V8 infers
 * from its collector's speed.
 *
 * Why: every TLS record the proxy decrypts becomes a new 16 KiB buffer, and the HTTP parser
 * copies it again. With the small heap of an airlock process (about 12 MB), V8 infers a
 * factor near its lower bound (x1.1) and then marks the whole heap again every 30 to 50 ms
 * of an intercepted transfer: 89 full collections in 1 GiB, half the proxy's CPU
 * (bench/proxy.mjs, 4.5 to 5.7 CPU-s/GiB; 2.3 to 2.9 with this flag, 2 to 4 collections).
 * The cost is memory: the old generation may grow to four times its live size between
 * collections (tens of MB here).
 *
 * V8 reads the flag at each collection, so setting it at run time works; it applies to
 * the whole process (and its worker threads).
 */
export const PROXY_HEAP_GROWTH_FLAG = '--heap-growing-percent=300';

/** Sets the flag through `setFlags` (v8.setFlagsFromString in a real process). */
export function setProxyHeapGrowth(setFlags: (flags: string) => void): void {
  setFlags(PROXY_HEAP_GROWTH_FLAG);
}
