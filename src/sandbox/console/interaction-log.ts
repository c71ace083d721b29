export interface LoggedInteraction {
  id: number;
  at: number;
  kind: 'command' | 'click';
  userId: string;
  /** What the person did, e.g. `/ops status INC0010001` or `Approve resolution`. */
  label: string;
  /** The API's HTTP status; 0 when it could not be reached. */
  status: number;
  /** The immediate (ephemeral) answer to a slash command. */
  answer?: string;
  /** Where the API's later replies arrive (a fake Slack response_url). */
  responseUrl: string;
}

export interface InteractionLog {
  add(entry: Omit<LoggedInteraction, 'id' | 'at'>): LoggedInteraction;
  /** Newest first. */
  entries(): LoggedInteraction[];
}

/** The console user's own commands and clicks, so their ephemeral answers (visible only to them in Slack) can be shown. */
export function createInteractionLog(limit = 50): InteractionLog {
  const entries: LoggedInteraction[] = [];
  let nextId = 1;
  return {
    add(entry) {
      const logged = { ...entry, id: nextId++, at: Date.now() };
      entries.unshift(logged);
      entries.length = Math.min(entries.length, limit);
      return logged;
    },
    entries: () => [...entries],
  };
}
