// Codes a page is opened with: a direct query parameter (H5 links, `?store=S001`) or the
// mini-program `scene` of a QR code (wxacode.getUnlimited: at most 32 characters, URL-encoded,
// e.g. `s=S001&a=WANGFANG`). One parser for every code the entry pages read.
export type Params = Partial<Record<string, string>>;

export const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

// In H5 the query may come before the hash (`/?store=S001#/pages/index/index`), where the hash
// router does not look.
export const queryParams = (search: string): Params => {
  const params: Params = {};
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const [key, value] = pair.split('=');
    if (key && value !== undefined) params[decode(key)] = value;
  }
  return params;
};

type CodeSpec = {
  direct: string; // the query parameter carrying the code itself
  sceneKeys: string[]; // its keys inside a scene
  bareScene?: boolean; // whether a scene that is only the code counts
  valid: (code: string | undefined) => string | undefined;
};

// Anything malformed is ignored (undefined) rather than blocking a sign-up.
export const codeFromParams = (params: Params, spec: CodeSpec): string | undefined => {
  const raw = params[spec.direct];
  const direct = spec.valid(raw ? decode(raw) : undefined);
  if (direct) return direct;
  if (!params.scene) return undefined;
  // A scene may arrive encoded once or twice, depending on how the link was built.
  const scene = decode(decode(params.scene));
  const match = new RegExp(`(?:^|[&?])(?:${spec.sceneKeys.join('|')})=([^&]+)`).exec(scene);
  return spec.valid(match ? match[1] : spec.bareScene ? scene : undefined);
};
