import { memberJoinInputSchema } from '@shared/schemas/member-join.schema';
import { codeFromParams, queryParams, type Params } from './scene-params';

const valid = (code: string | undefined): string | undefined => {
  const trimmed = code?.trim();
  return trimmed && memberJoinInputSchema.shape.storeCode.safeParse(trimmed).success ? trimmed : undefined;
};

// The store a member comes from: `?store=S001` in H5 links; `store=S001`, `s=S001` or a bare
// `S001` in a mini-program scene.
export const storeCodeFromParams = (params: Params): string | undefined =>
  codeFromParams(params, { direct: 'store', sceneKeys: ['store', 's'], bareScene: true, valid });

export const storeCodeFromLocation = (search: string): string | undefined => storeCodeFromParams(queryParams(search));
