/**
 * The libraries every enablement workflow uses, loaded once per worker thread and shared by all workflows in it
 * (`preloadModules` of the worker's bundle, see `workflowBundlerOptions` in `src/worker.ts`) instead of once per
 * workflow. Only stateless libraries belong here: the SDK freezes what a preloaded module exports, and whatever
 * module-level state a library keeps is shared between requests.
 */
import { z } from 'zod';

export * as zod from 'zod';
export * as xstate from 'xstate';

// zod settles its global defaults (the English messages, the memoizer) when it builds and checks its first schema;
// done here, before the SDK freezes them, not inside the first workflow (where the frozen settings would refuse it).
z.object({ probe: z.string() }).safeParse({ probe: 0 });
