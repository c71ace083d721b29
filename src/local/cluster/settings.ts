/**
 * What a Temporal cluster for OpsLoop is made of, shared by `npm run cluster` and docker-compose.yml (a unit test
 * holds the compose file to these values): the same stores, the same shard count and the same retention.
 */
export const CLUSTER_SETTINGS = {
  /** The SQL plugin of the persistence store (PostgreSQL 12 or later). */
  persistence: 'postgres12',
  /** SQL visibility in the same PostgreSQL: the list filters OpsLoop uses (`/ops jobs`, OpsStage) need no Elasticsearch. */
  visibility: 'postgres12',
  /** Fixed when the cluster's database is created and never changeable after: 4 is plenty for one team's incidents. */
  historyShards: 4,
  /** How long closed runs stay readable. The audit trail, not Temporal, is the long-term record. */
  namespaceRetention: '72h',
} as const;

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];
