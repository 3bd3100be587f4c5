/**
 * The patch registry: every branch in workflow code behind `patched` or `deprecatePatch` is registered here, with the date
 * it came in and the dates it may be deprecated and removed (docs/versioning.md). Empty until the first release: before
 * 1.0 no request runs in production, so incompatible changes re-record the replay histories instead.
 *
 * Pass a registered patch's id, `patches.<name>.id`, to `patched` or `deprecatePatch`; a test fails on a patch call
 * whose id is not registered here, or whose stage is not the registered one.
 */

/** One registered patch. */
export interface PatchRecord {
  /** The id given to `patched` or `deprecatePatch`: kebab-case, never reused. */
  id: string;
  /** What the new branch does differently, for the engineer who retires it. */
  change: string;
  /** The day the patch came in (ISO date): runs started before it may need the old branch. */
  since: string;
  /** The earliest day to turn `patched` into `deprecatePatch`: once no run started before `since` is open. */
  deprecateAfter: string;
  /** The earliest day to remove the patch: once no kept history (replay or audit) uses the old branch. */
  removeAfter: string;
  /** `patched`: both branches live; `deprecated`: only the new branch, behind `deprecatePatch`. */
  stage: 'patched' | 'deprecated';
}

/** Every patch in workflow code, by a short name. */
export const patches = {} as const satisfies Record<string, PatchRecord>;
