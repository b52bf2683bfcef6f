import Taro from '@tarojs/taro';
import { memberJoinInputSchema } from '@shared/schemas/member-join.schema';

// What a join QR code carries. A mini-program code (wxacode.getUnlimited) has a `scene` of at
// most 32 characters: `a=<associate code>` (an associate's code, e.g. a=WANGFANG), `s=S001` (a
// store's), or both (`s=S001&a=WANGFANG`). The H5 demo links use `?scene=a%3DWANGFANG` or
// `?invite=WANGFANG`. Anything malformed is ignored rather than blocking the sign-up.
type Params = Partial<Record<string, string>>;

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

const validInvite = (code: string | undefined): string | undefined => {
  const trimmed = code?.trim().toUpperCase();
  return trimmed && memberJoinInputSchema.shape.inviteCode.safeParse(trimmed).success ? trimmed : undefined;
};

export const inviteCodeFromParams = (params: Params): string | undefined => {
  const direct = validInvite(params.invite ? decode(params.invite) : undefined);
  if (direct) return direct;
  if (!params.scene) return undefined;
  // A scene may arrive encoded once or twice, depending on how the link was built.
  const scene = decode(decode(params.scene));
  const match = /(?:^|[&?])a=([^&]+)/.exec(scene);
  return validInvite(match?.[1]);
};

export const inviteCodeFromLocation = (search: string): string | undefined => {
  const params: Params = {};
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const [key, value] = pair.split('=');
    if (key && value !== undefined) params[decode(key)] = value;
  }
  return inviteCodeFromParams(params);
};

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
