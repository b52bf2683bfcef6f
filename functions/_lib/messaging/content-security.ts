// Free text written by a person passes WeChat's text content security (msgSecCheck 2.0) before
// anything is queued: an associate's 1:1 greeting, an operator's campaign texts at launch.
//
// Scenes (WeChat's enumeration: 1 资料 profile, 2 评论 comment, 3 论坛 forum, 4 社交日志 social log):
// - an associate's 1:1 greeting is text one user writes to another: 2 (comment);
// - an operator's campaign text is published to many members at once: 3 (forum).
// The openid is the author's (WeChat requires one who opened the mini-program in the last two
// hours; staff sign in to the app and the console through it).
//
// A "risky" or "review" verdict refuses with the flagged fields; WeChat down or refusing to
// judge is a 503, never a silent pass.
import { DomainError, type FieldError } from '../errors';
import { WechatApiError, type ContentScene, type ContentSuggest, type WechatClient } from '../wechat/wechat-client';

export const SCENE_ASSOCIATE_MESSAGE: ContentScene = 2;
export const SCENE_CAMPAIGN_TEXT: ContentScene = 3;

export const CONTENT_LABELS: Record<number, string> = {
  100: '正常',
  10001: '广告',
  20001: '时政',
  20002: '色情',
  20003: '辱骂',
  20006: '违法犯罪',
  20008: '欺诈',
  20012: '低俗',
  20013: '版权',
  21000: '其他违规',
};
const labelText = (label: number): string => CONTENT_LABELS[label] ?? '其他违规';

type Checker = Pick<WechatClient, 'msgSecCheck'>;
type Verdict = { suggest: ContentSuggest; label: number };

const ask = async (client: Checker, openid: string, scene: ContentScene, content: string): Promise<Verdict> => {
  try {
    const r = await client.msgSecCheck({ openid, scene, content });
    return { suggest: r.suggest, label: r.label };
  } catch (e) {
    if (!(e instanceof WechatApiError)) throw e;
    if (e.errcode === 61010) {
      throw new DomainError(409, 'content_check_needs_recent_visit', '微信内容安全检测要求你在两小时内打开过小程序：请在微信中打开小程序后再试（未发送）');
    }
    // The client already refreshed an expired token once and retried busy/limit answers with
    // backoff; what is left is WeChat being unavailable to us. The text stays unchecked: refuse.
    throw new DomainError(503, 'content_check_unavailable', '微信内容安全检测暂时不可用，请稍后再试（未发送）');
  }
};

/**
 * Checks `texts` (field path → text) as one message (what the reader sees together); when WeChat
 * flags it, each field alone, to name the ones to change. Throws 422 content_risky /
 * content_review naming the fields, 409 / 503 when WeChat cannot judge.
 */
export const requireCleanText = async (
  client: Checker,
  input: { openid: string; scene: ContentScene; texts: Record<string, string>; refused: string },
): Promise<void> => {
  const entries = Object.entries(input.texts).filter(([, t]) => t.trim() !== '');
  if (entries.length === 0) return;
  const whole = await ask(client, input.openid, input.scene, entries.map(([, t]) => t).join('\n'));
  if (whole.suggest === 'pass') return;
  let flagged: Array<[string, Verdict]> = [];
  if (entries.length > 1) {
    const each = await Promise.all(entries.map(async ([path, t]) => [path, await ask(client, input.openid, input.scene, t)] as [string, Verdict]));
    flagged = each.filter(([, v]) => v.suggest !== 'pass');
  }
  // Flagged together but no field alone: every field is part of the problem.
  if (flagged.length === 0) flagged = entries.map(([path]) => [path, whole]);
  const risky = whole.suggest === 'risky' || flagged.some(([, v]) => v.suggest === 'risky');
  const fields: FieldError[] = flagged.map(([path, v]) => ({
    path,
    message: v.suggest === 'risky' ? `含有违规内容（${labelText(v.label)}），请修改` : `疑似含有违规内容（${labelText(v.label)}），请修改`,
  }));
  const label = labelText((flagged[0]?.[1] ?? whole).label);
  throw new DomainError(
    422,
    risky ? 'content_risky' : 'content_review',
    risky ? `内容未通过微信内容安全检测（${label}），${input.refused}` : `内容疑似违规，需修改后再试（微信内容安全检测：${label}），${input.refused}`,
    fields,
  );
};
