import Taro from '@tarojs/taro';
import { memberJoinInputSchema } from '@shared/schemas/member-join.schema';
import { codeFromParams, queryParams, type Params } from '../../lib/scene-params';

// What a join QR code carries. A mini-program code (wxacode.getUnlimited) has a `scene` of at
// most 32 characters: `a=<associate code>` (an associate's code, e.g. a=WANGFANG), `s=S001` (a
// store's), or both (`s=S001&a=WANGFANG`). The H5 demo links use `?scene=a%3DWANGFANG` or
// `?invite=WANGFANG`. Anything malformed is ignored rather than blocking the sign-up.
const validInvite = (code: string | undefined): string | undefined => {
  const trimmed = code?.trim().toUpperCase();
  return trimmed && memberJoinInputSchema.shape.inviteCode.safeParse(trimmed).success ? trimmed : undefined;
};

export const inviteCodeFromParams = (params: Params): string | undefined =>
  codeFromParams(params, { direct: 'invite', sceneKeys: ['a'], valid: validInvite });

export const inviteCodeFromLocation = (search: string): string | undefined => inviteCodeFromParams(queryParams(search));

// Parked until the member has joined (signing in may reload the page in H5).
const INVITE_KEY = 'siyu.pendingInviteCode';

export const getPendingInviteCode = (): string | null => {
  try {
    const value: unknown = Taro.getStorageSync(INVITE_KEY);
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    return null;
  }
};

export const setPendingInviteCode = (code: string | null): void => {
  try {
    if (code === null) Taro.removeStorageSync(INVITE_KEY);
    else Taro.setStorageSync(INVITE_KEY, code);
  } catch {
    // Storage unavailable: the code lasts as long as the page.
  }
};
