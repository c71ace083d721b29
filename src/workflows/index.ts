export { humanApproval } from './human-approval';
export { incidentInvestigation } from './incident-investigation';
export { resolution } from './resolution';
