/**
 * Text from another system shown in Slack as written: `&`, `<` and `>` are Slack's control characters, so an agent's
 * reason or an id can neither ping (`<!channel>`) nor link. Workflow-safe (no imports).
 */
export const asSlackText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
