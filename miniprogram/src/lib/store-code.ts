import { memberJoinInputSchema } from '@shared/schemas/member-join.schema';

type Params = Partial<Record<string, string>>;

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

const valid = (code: string | undefined): string | undefined => {
  if (!code) return undefined;
  const trimmed = code.trim();
  return memberJoinInputSchema.shape.storeCode.safeParse(trimmed).success && trimmed ? trimmed : undefined;
};

// The store a member comes from. H5 links carry `?store=S001`; a mini-program QR code
// (wxacode.getUnlimited) carries a URL-encoded `scene` of at most 32 characters, which we write
// as `store=S001` (or `s=S001`) but also accept bare (`S001`). Anything that is not a valid store
// code is ignored rather than blocking the sign-up.
export const storeCodeFromParams = (params: Params): string | undefined => {
  const direct = valid(params.store ? decode(params.store) : undefined);
  if (direct) return direct;
  if (!params.scene) return undefined;
  const scene = decode(params.scene);
  const match = /(?:^|[&?])(?:store|s)=([^&]+)/.exec(scene);
  return valid(match ? match[1] : scene);
};

// In H5 the link may put the query before the hash (`/?store=S001#/pages/index/index`), where the
// hash router does not look.
export const storeCodeFromLocation = (search: string): string | undefined => {
  const params: Params = {};
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const [key, value] = pair.split('=');
    if (key && value !== undefined) params[decode(key)] = value;
  }
  return storeCodeFromParams(params);
};
