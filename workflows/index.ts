/**
 * The worker's `workflowsPath`: every workflow the enablement worker runs is exported from here.
 *
 * Code under `workflows/` runs in Temporal's deterministic sandbox: no Node APIs, no I/O, no clocks or randomness
 * other than the ones `@temporalio/workflow` provides. ESLint enforces the import rules.
 */
export { enablementWorkflow } from './enablement';
