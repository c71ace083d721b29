import type { Block, KnownBlock } from '@slack/web-api';
import { cutMrkdwn } from './mrkdwn';

/** Slack's limits on what OpsLoop sends, each from the page that documents it. */
export const SLACK_LIMITS = {
  /** https://docs.slack.dev/reference/block-kit/blocks/section-block: `text` up to 3,000 characters, 10 fields of 2,000. */
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  /** https://docs.slack.dev/reference/block-kit/blocks: 50 blocks in a message, 100 in a modal. */
  messageBlocks: 50,
  modalBlocks: 100,
  /** https://docs.slack.dev/reference/block-kit/blocks/header-block */
  headerText: 150,
  /** https://docs.slack.dev/reference/block-kit/blocks/context-block */
  contextElements: 10,
  /** https://docs.slack.dev/reference/block-kit/composition-objects/text-object */
  textObject: 3000,
  /** https://docs.slack.dev/reference/block-kit/block-elements/button-element */
  buttonText: 75,
  buttonValue: 2000,
  /**
   * https://docs.slack.dev/reference/methods/chat.postMessage ("Truncating content": keep `text` to 4,000 characters);
   * longer text is answered `msg_too_long`.
   */
  messageText: 4000,
  /**
   * Slack rejects a message whose blocks add up to roughly 13,000 characters (`msg_blocks_too_long`) although no single
   * documented limit is reached; OpsLoop keeps the text of its blocks below this.
   */
  messageBlocksText: 12_000,
} as const;

interface TextObject {
  type: string;
  text: string;
}

type AnyBlock = (Block | KnownBlock) & { text?: TextObject; fields?: TextObject[]; elements?: ({ text?: TextObject | string } & Record<string, unknown>)[] };

const fitText = (t: TextObject, limit: number): TextObject => ({ ...t, text: cutMrkdwn(t.text, limit) });

function fitBlock(block: AnyBlock): AnyBlock {
  switch (block.type) {
    case 'section':
      return {
        ...block,
        ...(block.text ? { text: fitText(block.text, SLACK_LIMITS.sectionText) } : {}),
        ...(block.fields ? { fields: block.fields.slice(0, SLACK_LIMITS.sectionFields).map((f) => fitText(f, SLACK_LIMITS.fieldText)) } : {}),
      };
    case 'header':
      return block.text ? { ...block, text: fitText(block.text, SLACK_LIMITS.headerText) } : block;
    case 'context':
      return {
        ...block,
        elements: (block.elements ?? []).slice(0, SLACK_LIMITS.contextElements).map((e) => (typeof e.text === 'string' && e.type !== 'image' ? { ...e, text: cutMrkdwn(e.text, SLACK_LIMITS.textObject) } : e)),
      };
    case 'actions':
      return {
        ...block,
        elements: (block.elements ?? []).map((e) => (e.type === 'button' && e.text && typeof e.text !== 'string' ? { ...e, text: fitText(e.text, SLACK_LIMITS.buttonText) } : e)),
      };
    default:
      return block;
  }
}

/**
 * A message Slack accepts: `text` and every text in its blocks cut to their limits, at most 50 blocks. The Block Kit
 * builders already cut long text where a reader can be told where the rest is; this is the floor under every message.
 */
export function withinLimits<M extends { text: string; blocks?: (Block | KnownBlock)[] }>(message: M): M {
  const blocks = message.blocks?.slice(0, SLACK_LIMITS.messageBlocks).map((b) => fitBlock(b as AnyBlock));
  return { ...message, text: cutMrkdwn(message.text, SLACK_LIMITS.messageText), ...(blocks ? { blocks } : {}) };
}
