/**
 * Every `patched()` id the workflow code uses, one entry each, with a comment naming the version that introduced it.
 * From 1.0.0 on a change to a workflow's command sequence is guarded so runs recorded before it keep replaying (README
 * "Versioning"): call `patched(PATCH.name)`, never a string literal. A patch is deprecated, then removed, once no run
 * from before it can still be open (the namespace's retention).
 */
export const PATCH = {
  /** 1.1.0: investigations follow an AWS DevOps Agent task (create, wait for events or poll, read the journal). */
  agentTaskApi: 'agent-task-api',
  /** 1.1.0: the findings are written to the ticket as a work note when they arrive. */
  findingsWorkNote: 'findings-work-note',
  /** 1.1.0: findings with a mitigation plan (and no named action) are mapped through the catalog's `proposals:` by the checkProposal activity. */
  mitigationProposals: 'mitigation-proposals',
  /**
   * 1.1.0: reconcileIncidents reads from the cursor the previous run returned, page by page under the Business Rule's
   * condition, one activity per page; before, one read of the last N minutes and one delivery.
   */
  reconcileFromCursor: 'reconcile-from-cursor',
  /** Since 1.1.0: a priority changed while the investigation runs reads that priority's approval rule again (the stricter one applies). */
  approvalRuleFollowsPriority: 'approval-rule-follows-priority',
  /** Since 1.1.0: a Resolution asked from Slack tells the incident's running investigation the resolved incident (its own write is not sent back by a --skip-user Business Rule). */
  resolutionTellsInvestigation: 'resolution-tells-investigation',
  /** Since 1.1.0: each decision round reads who opened the incident in ServiceNow, as Slack users (activity slackUsersWhoOpened). */
  openersMayNotApprove: 'openers-may-not-approve',
  /**
   * Since 1.1.0: the policy's `routes:` pick an incident's channel, approvers and paging; the run writes OpsRoute, and a
   * reassignment in ServiceNow to another route moves the thread and asks a pending decision of the new approvers.
   */
  incidentRoutes: 'incident-routes',
  /**
   * Since 1.1.0: findings are written to the audit trail when they arrive, and an ending investigation writes its
   * timeline (one work note, one thread summary) from the audit trail (activity writeIncidentTimeline).
   */
  timelineOnFinish: 'timeline-on-finish',
  /**
   * Since 1.1.0: a route with `oncall:` pages through PagerDuty when a decision waits (at once for its urgent
   * priorities, else after a reminder interval; Escalate pages the next level) and resolves the pages once decided.
   */
  pageOnCall: 'page-on-call',
} as const satisfies Record<string, string>;
