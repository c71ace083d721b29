import { impactUrgencyFor, type Priority } from '../servicenow/priority';

interface SeedFields {
  number: string;
  short_description: string;
  description: string;
  state: string;
  assignment_group: string;
  cmdb_ci: string;
}

/** A seed as ServiceNow would hold it: the impact and urgency that give its priority, and that priority. */
const seed = (priority: Priority, fields: SeedFields) => ({ ...fields, ...impactUrgencyFor(priority), priority });

/** Incidents the sandbox ServiceNow starts with; the demo resolves the first. */
export const SEED_INCIDENTS = [
  seed('2', {
    number: 'INC0010001',
    short_description: 'Checkout API p99 latency above 2 s',
    description: 'Synthetic checks report p99 latency of 2.4 s on checkout-api in eu-west-1 since 09:12 UTC.',
    state: '2',
    assignment_group: 'SRE',
    cmdb_ci: 'checkout-api',
  }),
  seed('1', {
    number: 'INC0010002',
    short_description: 'Orders database connections exhausted',
    description: 'orders-db reports too many connections; order submissions fail intermittently.',
    state: '1',
    assignment_group: 'Database',
    cmdb_ci: 'orders-db',
  }),
  seed('3', {
    number: 'INC0010003',
    short_description: 'Nightly backup job failed on fileserver-02',
    description: 'The 02:00 backup job exited with code 12 (disk quota).',
    state: '2',
    assignment_group: 'Infrastructure',
    cmdb_ci: 'fileserver-02',
  }),
  seed('4', {
    number: 'INC0010004',
    short_description: 'VPN login failures for contractors',
    description: 'Resolved earlier by the network team.',
    state: '6',
    assignment_group: 'Network',
    cmdb_ci: 'vpn-gateway',
  }),
];
