/**
 * F5's "with zod" variant: OpsLoop's workflows plus its zod contracts in the same bundle, as happens when a workflow
 * module imports a schema instead of a type (top-level schemas cost heap per cached workflow:
 * https://github.com/temporalio/sdk-typescript/issues/2227). Exported so the bundler keeps them.
 */
export * from '../../src/workflows';
export { findingsSchema } from '../../src/contracts/schemas/findings';
export { serviceNowEventSchema } from '../../src/contracts/schemas/servicenow-event';
export * as incidentContracts from '../../src/contracts/schemas/incident';
export * as resolutionContracts from '../../src/contracts/schemas/resolution';
