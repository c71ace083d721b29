import type { ReconcileCursor } from '../../contracts/reconcile';

/**
 * The encoded query for incidents changed after a cursor and before `before`, in cursor order. Ties on
 * sys_updated_on (it has one-second resolution) are broken by sys_id: `sys_updated_on>t` OR (`sys_updated_on=t` AND
 * `sys_id>id`), written as two queries joined by `^NQ`, each with the upper bound and the condition. Reading page after
 * page from the last row seen (not by sysparm_offset) means a row that changes meanwhile can move to a later page but
 * never make the read skip another one.
 */
export function changedAfterQuery(o: { after: ReconcileCursor; before: string; condition?: string }): string {
  const rest = `^sys_updated_on<${o.before}${o.condition ? `^${o.condition}` : ''}`;
  const blocks = [`sys_updated_on>${o.after.sysUpdatedOn}${rest}`];
  if (o.after.sysId) blocks.push(`sys_updated_on=${o.after.sysUpdatedOn}^sys_id>${o.after.sysId}${rest}`);
  return `${blocks.join('^NQ')}^ORDERBYsys_updated_on^ORDERBYsys_id`;
}
