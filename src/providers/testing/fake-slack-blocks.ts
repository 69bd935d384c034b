/**
 * The message checks the fake Slack applies to chat.postMessage and chat.update, after Slack's
 * documented Block Kit limits (docs.slack.dev/reference/block-kit): a renderer that breaks one
 * gets the error code Slack would give instead of a silent success.
 */

type Json = Record<string, unknown>;

const TEXT_MAX = 40_000;
const BLOCKS_MAX = 50;
const BLOCK_TYPES = new Set(['header', 'section', 'context', 'actions', 'divider', 'image', 'rich_text', 'markdown', 'file', 'input', 'video']);

/** Slack's error code for a bad message, or undefined when it would be accepted. */
export function messageError(params: Json): string | undefined {
  const { text, blocks, attachments, metadata } = params;
  if (text !== undefined && typeof text !== 'string') return 'invalid_arguments';
  if (typeof text === 'string' && text.length > TEXT_MAX) return 'msg_too_long';
  if (blocks !== undefined && !Array.isArray(blocks)) return 'invalid_blocks';
  if (attachments !== undefined && (!Array.isArray(attachments) || !attachments.every(isObject))) return 'invalid_attachments';
  if (!text && !(Array.isArray(blocks) && blocks.length > 0) && !(Array.isArray(attachments) && attachments.length > 0)) return 'no_text';
  if (metadata !== undefined && !validMetadata(metadata)) return 'invalid_metadata_format';

  // action_id must be unique across the whole message, attachments included.
  const actionIds = new Set<string>();
  if (Array.isArray(blocks) && !validBlocks(blocks, actionIds)) return 'invalid_blocks';
  for (const attachment of (attachments as Json[] | undefined) ?? []) {
    if (attachment.color !== undefined && (typeof attachment.color !== 'string' || !/^(#?[0-9A-Fa-f]{6}|good|warning|danger)$/.test(attachment.color))) {
      return 'invalid_attachments';
    }
    if (attachment.blocks !== undefined && (!Array.isArray(attachment.blocks) || !validBlocks(attachment.blocks, actionIds))) return 'invalid_blocks';
  }
  return undefined;
}

function validBlocks(blocks: unknown[], actionIds: Set<string>): boolean {
  return blocks.length <= BLOCKS_MAX && blocks.every((block) => isObject(block) && validBlock(block, actionIds));
}

function validBlock(block: Json, actionIds: Set<string>): boolean {
  if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) return false;
  switch (block.type) {
    case 'header':
      return textObject(block.text, 150, 'plain_text');
    case 'section': {
      const { text, fields } = block;
      if (text === undefined && fields === undefined) return false;
      if (text !== undefined && !textObject(text, 3000)) return false;
      if (fields === undefined) return true;
      return Array.isArray(fields) && fields.length >= 1 && fields.length <= 10 && fields.every((f) => textObject(f, 2000));
    }
    case 'context':
      return Array.isArray(block.elements) && block.elements.length >= 1 && block.elements.length <= 10 && block.elements.every((e) => textObject(e, 3000) || isImage(e));
    case 'actions':
      return Array.isArray(block.elements) && block.elements.length >= 1 && block.elements.length <= 25 && block.elements.every((e) => validButton(e, actionIds));
    default:
      return true;
  }
}

function validButton(element: unknown, actionIds: Set<string>): boolean {
  if (!isObject(element) || element.type !== 'button') return isObject(element) && typeof element.type === 'string';
  const { action_id: actionId, url, value, style, confirm } = element;
  if (!textObject(element.text, 75, 'plain_text')) return false;
  if (actionId !== undefined) {
    if (typeof actionId !== 'string' || actionId.length > 255 || actionIds.has(actionId)) return false;
    actionIds.add(actionId);
  }
  if (url !== undefined && (typeof url !== 'string' || url.length > 3000 || !/^https?:\/\//.test(url))) return false;
  if (value !== undefined && (typeof value !== 'string' || value.length > 2000)) return false;
  if (style !== undefined && style !== 'primary' && style !== 'danger') return false;
  if (confirm !== undefined) {
    if (!isObject(confirm)) return false;
    if (!textObject(confirm.title, 100, 'plain_text') || !textObject(confirm.text, 300) || !textObject(confirm.confirm, 30, 'plain_text') || !textObject(confirm.deny, 30, 'plain_text')) {
      return false;
    }
  }
  return true;
}

function textObject(value: unknown, max: number, only?: 'plain_text'): boolean {
  if (!isObject(value) || typeof value.text !== 'string' || value.text.length < 1 || value.text.length > max) return false;
  if (only) return value.type === only;
  return value.type === 'plain_text' || value.type === 'mrkdwn';
}

function isImage(value: unknown): boolean {
  return isObject(value) && value.type === 'image' && typeof value.image_url === 'string';
}

function validMetadata(value: unknown): boolean {
  return isObject(value) && typeof value.event_type === 'string' && value.event_type.length > 0 && isObject(value.event_payload);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
