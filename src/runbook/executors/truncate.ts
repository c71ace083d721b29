/** Output shown in Slack is cut here (Slack's section limit is 3,000 characters). */
export const EXCERPT_LIMIT = 1500;

export const excerpt = (text: string, limit = EXCERPT_LIMIT): string => {
  const trimmed = text.trim();
  return trimmed.length > limit ? `${trimmed.slice(0, limit)}… (${trimmed.length - limit} more characters)` : trimmed;
};
