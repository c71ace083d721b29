/**
 * What the sandbox agent "finds": canned diagnoses keyed on the symptom, written as the AWS DevOps Agent writes its
 * journal (Markdown investigation and mitigation summaries), so demos and tests get stable, plausible text. It proposes
 * nothing itself: OpsLoop maps the mitigation text to a catalog action only through the actions file's `proposals:`.
 */
interface Diagnosis {
  match: RegExp;
  rootCause: (service: string) => string;
  /** Numbered mitigation steps, as the agent's mitigation summary lists them. */
  steps: (service: string) => string[];
}

const DIAGNOSES: readonly Diagnosis[] = [
  {
    match: /latenc|slow|timeout|timed out|p9\d/,
    rootCause: (s) =>
      `Connection pool saturation after deploy: \`${s}\` exhausted its database connection pool (20 of 20 in use) minutes after the latest deployment, so requests queued waiting for a connection.`,
    steps: (s) => [`Roll back the latest \`${s}\` deployment.`, 'Raise the connection pool size if the rollback does not drain the queue.', 'Alarm on connection-pool wait time.'],
  },
  {
    match: /\b5\d\d\b|error rate|errors|exception|failing|failed/,
    rootCause: (s) => `A configuration change shipped with the latest \`${s}\` deployment points at a retired downstream endpoint; calls to it fail and surface as server errors.`,
    steps: (s) => [`Restart the \`${s}\` service to reload the reverted configuration.`, 'Add a deployment check that the downstream endpoint answers.'],
  },
  {
    match: /memory|oom|heap/,
    rootCause: (s) => `A memory leak in \`${s}\`: heap usage grows steadily after each deployment until the container is OOM-killed and restarted.`,
    steps: (s) => [`Restart the \`${s}\` service to buy time.`, 'Capture a heap snapshot.', 'Roll back the release that introduced the growth.'],
  },
  {
    match: /cpu|throttl/,
    rootCause: (s) => `CPU throttling: \`${s}\` runs at its CPU limit since traffic rose, and throttled requests back up.`,
    steps: (s) => [`Scale \`${s}\` out or raise its CPU limit.`, 'Alarm on throttled periods.'],
  },
  {
    match: /disk|storage|volume|no space/,
    rootCause: (s) => `The data volume of \`${s}\` is full: log rotation stopped, so writes fail with "no space left on device".`,
    steps: (s) => [`Free space on the \`${s}\` volume.`, 'Fix log rotation.', 'Alarm at 80% disk usage.'],
  },
];

const FALLBACK: Omit<Diagnosis, 'match'> = {
  rootCause: (s) => `No single root cause found: metrics, logs and recent deployments of \`${s}\` show no anomaly correlated with the incident window.`,
  steps: (s) => [`Escalate to the owners of \`${s}\`.`, 'Widen the investigation to its dependencies.'],
};

/** The service a task is about: the "Configuration item:" line OpsLoop writes into the description, if any. */
export const serviceOf = (description: string): string | undefined => /^Configuration item: (\S+)/m.exec(description)?.[1];

export interface SandboxJournal {
  investigationSummary: string;
  /** Absent when the diagnosis has nothing to mitigate. */
  mitigationSummary?: string;
}

export function sandboxJournal(title: string, description: string): SandboxJournal {
  const service = serviceOf(description) ?? 'the affected service';
  const diagnosis = DIAGNOSES.find((d) => d.match.test(`${title} ${description}`.toLowerCase())) ?? FALLBACK;
  const reported = description.split('\n\n')[0]?.trim();
  const investigationSummary = [
    `## Investigation summary`,
    `**Symptom:** ${title}`,
    `**Service:** ${service}`,
    ...(reported ? ['### What was reported', reported.slice(0, 2_000)] : []),
    '### Root cause',
    diagnosis.rootCause(service),
    '_Produced by the OpsLoop sandbox agent; no real systems were inspected._',
  ].join('\n\n');
  const steps = diagnosis.steps(service);
  const mitigationSummary = ['## Mitigation plan', ...steps.map((step, i) => `${i + 1}. ${step}`)].join('\n');
  return { investigationSummary, mitigationSummary };
}
