// Under the vite runner, JSX and TypeScript are compiled by esbuild/@vitejs/plugin-react; babel
// only runs over the emitted chunks (preset-env + transform-runtime for old WebViews/JSCore).
//
// babel-preset-taro 4.2.0 decides whether to load @babel/preset-react with
// `framework === 'react' || framework === 'preact' && !isVite`, so `framework: 'react'` always
// requires @babel/preset-react, which the vite combination neither installs nor needs. Passing
// 'preact' with compiler 'vite' takes the intended branch (no JSX preset); nothing else in the
// preset reads `framework` when `compiler` is 'vite'. The app itself is React (config/index.ts).
module.exports = {
  presets: [['taro', { framework: 'preact', ts: true, compiler: 'vite' }]],
};
