import type { View } from '@slack/web-api';
import { z } from 'zod';

export const RESOLVE_MODAL = 'opsloop.resolve';
export const INCIDENT_MODAL = 'opsloop.incident';

/** Resolution codes of current ServiceNow releases (Utah and later). */
export const CLOSE_CODES = ['Solution provided', 'Workaround provided', 'Resolved by change', 'Resolved by problem', 'Resolved by caller', 'Known error', 'Duplicate', 'User error'];

const option = (value: string, text = value) => ({ text: { type: 'plain_text' as const, text }, value });

export const modalMetadataSchema = z.object({
  incidentNumber: z.string().optional(),
  channelId: z.string().optional(),
  /**
   * The response_url of the command that opened the form: a submission carries none of its own, and the outcome is
   * told where the command was typed (five uses within 30 minutes of the command).
   */
  responseUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export function resolveModal(incidentNumber: string, channelId: string, responseUrl?: string): View {
  return {
    type: 'modal',
    callback_id: RESOLVE_MODAL,
    private_metadata: JSON.stringify({ incidentNumber, channelId, responseUrl }),
    title: { type: 'plain_text', text: `Resolve ${incidentNumber}` },
    submit: { type: 'plain_text', text: 'Resolve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: 'close_code',
        label: { type: 'plain_text', text: 'Resolution code' },
        element: { type: 'static_select', action_id: 'value', initial_option: option(CLOSE_CODES[0]!), options: CLOSE_CODES.map((c) => option(c)) },
      },
      {
        type: 'input',
        block_id: 'close_notes',
        label: { type: 'plain_text', text: 'Resolution notes' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, min_length: 1, max_length: 3000 },
      },
    ],
  };
}

export function incidentModal(channelId: string): View {
  return {
    type: 'modal',
    callback_id: INCIDENT_MODAL,
    private_metadata: JSON.stringify({ channelId }),
    title: { type: 'plain_text', text: 'Open an incident' },
    submit: { type: 'plain_text', text: 'Open' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'input', block_id: 'short_description', label: { type: 'plain_text', text: 'Summary' }, element: { type: 'plain_text_input', action_id: 'value', max_length: 160 } },
      {
        type: 'input',
        block_id: 'description',
        optional: true,
        label: { type: 'plain_text', text: 'Description' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 3000 },
      },
      {
        type: 'input',
        block_id: 'priority',
        label: { type: 'plain_text', text: 'Priority' },
        element: {
          type: 'static_select',
          action_id: 'value',
          options: [option('1', 'P1 · Critical'), option('2', 'P2 · High'), option('3', 'P3 · Moderate'), option('4', 'P4 · Low')],
        },
      },
      { type: 'input', block_id: 'cmdb_ci', optional: true, label: { type: 'plain_text', text: 'Configuration item' }, element: { type: 'plain_text_input', action_id: 'value', max_length: 100 } },
    ],
  };
}
