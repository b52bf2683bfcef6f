import type { PropsWithChildren } from 'react';
import { z } from 'zod';
import './app.scss';

// WeChat's JS engine forbids `new Function`; zod 4 would probe for it and fall back on its own,
// but saying so up front avoids the probe and any warning it prints.
if (process.env.TARO_ENV === 'weapp') z.config({ jitless: true });

// The app shell renders nothing of its own: each page is a route.
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
