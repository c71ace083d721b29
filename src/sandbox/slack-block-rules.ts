/*
 * Slack's Block Kit limits, as the sandbox Slack enforces them: each rule cites the page that documents it, and a
 * violation is reported the way Slack reports it, one message per problem with a JSON pointer to the offending
 * value, e.g. "must be less than 3001 characters [json-pointer:/blocks/1/text/text]".
 */

/** https://docs.slack.dev/reference/block-kit/blocks: "up to 50 blocks in each message, and 100 blocks in modals". */
export const MAX_MESSAGE_BLOCKS = 50;
export const MAX_MODAL_BLOCKS = 100;
/** https://docs.slack.dev/reference/block-kit/blocks/section-block: `text` 3,000 characters; up to 10 `fields` of 2,000. */
const SECTION_TEXT = 3000;
const SECTION_FIELDS = 10;
const FIELD_TEXT = 2000;
/** https://docs.slack.dev/reference/block-kit/blocks/header-block: `text` 150 characters. */
const HEADER_TEXT = 150;
/** https://docs.slack.dev/reference/block-kit/blocks/context-block: up to 10 elements. */
const CONTEXT_ELEMENTS = 10;
/** https://docs.slack.dev/reference/block-kit/blocks/actions-block: up to 25 elements. */
const ACTIONS_ELEMENTS = 25;
/** https://docs.slack.dev/reference/block-kit/composition-objects/text-object: `text` 1 to 3,000 characters. */
const TEXT_OBJECT = 3000;
/** https://docs.slack.dev/reference/block-kit/block-elements/button-element: text 75, value 2,000, action_id 255, url 3,000. */
const BUTTON_TEXT = 75;
const BUTTON_VALUE = 2000;
const ACTION_ID = 255;
const BUTTON_URL = 3000;
/** Every block's `block_id`: 255 characters (each block's page above). */
const BLOCK_ID = 255;
/** https://docs.slack.dev/reference/block-kit/blocks/input-block: `label` and `hint` 2,000 characters. */
const INPUT_LABEL = 2000;
/** https://docs.slack.dev/reference/views/modal-views ("Modal view fields"): title, submit and close 24 characters, private_metadata 3,000, callback_id 255. */
const MODAL_TITLE = 24;
const MODAL_METADATA = 3000;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const tooLong = (max: number, at: string) => `must be less than ${max + 1} characters [json-pointer:${at}]`;

class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    this.list.push(message);
  }
  length(value: unknown, max: number, at: string): void {
    if (typeof value === 'string' && value.length > max) this.add(tooLong(max, at));
  }
  text(value: unknown, max: number, at: string): void {
    if (!isObject(value) || typeof value.text !== 'string' || (value.type !== 'mrkdwn' && value.type !== 'plain_text')) {
      this.add(`must provide a text object [json-pointer:${at}]`);
      return;
    }
    if (value.text.length === 0) this.add(`must be more than 0 characters [json-pointer:${at}/text]`);
    this.length(value.text, max, `${at}/text`);
  }
  items(value: unknown, max: number, at: string): unknown[] {
    if (!Array.isArray(value)) {
      this.add(`must be an array [json-pointer:${at}]`);
      return [];
    }
    if (value.length > max) this.add(`no more than ${max} items allowed [json-pointer:${at}]`);
    return value;
  }
}

function checkElement(p: Problems, element: unknown, at: string): void {
  if (!isObject(element)) return p.add(`must be an object [json-pointer:${at}]`);
  p.length(element.action_id, ACTION_ID, `${at}/action_id`);
  if (element.type === 'button') {
    p.text(element.text, BUTTON_TEXT, `${at}/text`);
    p.length(element.value, BUTTON_VALUE, `${at}/value`);
    p.length(element.url, BUTTON_URL, `${at}/url`);
  }
}

function checkBlock(p: Problems, block: unknown, at: string): void {
  if (!isObject(block)) return p.add(`must be an object [json-pointer:${at}]`);
  p.length(block.block_id, BLOCK_ID, `${at}/block_id`);
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) p.add(`must provide text or fields [json-pointer:${at}]`);
      if (block.text !== undefined) p.text(block.text, SECTION_TEXT, `${at}/text`);
      if (block.fields !== undefined) p.items(block.fields, SECTION_FIELDS, `${at}/fields`).forEach((f, i) => p.text(f, FIELD_TEXT, `${at}/fields/${i}`));
      if (block.accessory !== undefined) checkElement(p, block.accessory, `${at}/accessory`);
      return;
    case 'header':
      return p.text(block.text, HEADER_TEXT, `${at}/text`);
    case 'context':
      return p.items(block.elements, CONTEXT_ELEMENTS, `${at}/elements`).forEach((e, i) => {
        if (isObject(e) && e.type !== 'image') p.text(e, TEXT_OBJECT, `${at}/elements/${i}`);
      });
    case 'actions':
      return p.items(block.elements, ACTIONS_ELEMENTS, `${at}/elements`).forEach((e, i) => checkElement(p, e, `${at}/elements/${i}`));
    case 'input':
      p.text(block.label, INPUT_LABEL, `${at}/label`);
      if (block.hint !== undefined) p.text(block.hint, INPUT_LABEL, `${at}/hint`);
      return checkElement(p, block.element, `${at}/element`);
    case 'divider':
    case 'image':
    case 'rich_text':
    case 'markdown':
    case 'file':
    case 'video':
      return;
    default:
      p.add(`unsupported type \`${String(block.type)}\` [json-pointer:${at}/type]`);
  }
}

/** What is wrong with a message's `blocks` (empty when Slack would take them). */
export function messageBlockProblems(blocks: unknown): string[] {
  const p = new Problems();
  p.items(blocks, MAX_MESSAGE_BLOCKS, '/blocks').forEach((b, i) => checkBlock(p, b, `/blocks/${i}`));
  return p.list;
}

/** What is wrong with a modal view (empty when Slack would open it). */
export function modalViewProblems(view: unknown): string[] {
  const p = new Problems();
  if (!isObject(view)) return [`must be an object [json-pointer:/view]`];
  p.text(view.title, MODAL_TITLE, '/view/title');
  if (view.submit !== undefined) p.text(view.submit, MODAL_TITLE, '/view/submit');
  if (view.close !== undefined) p.text(view.close, MODAL_TITLE, '/view/close');
  p.length(view.private_metadata, MODAL_METADATA, '/view/private_metadata');
  p.length(view.callback_id, BLOCK_ID, '/view/callback_id');
  p.items(view.blocks, MAX_MODAL_BLOCKS, '/view/blocks').forEach((b, i) => checkBlock(p, b, `/view/blocks/${i}`));
  return p.list;
}
