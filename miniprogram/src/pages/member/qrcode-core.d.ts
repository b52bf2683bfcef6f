// qrcode's pure matrix encoder (no canvas, no Node APIs), typed like the package's `create`.
declare module 'qrcode/lib/core/qrcode' {
  export { create } from 'qrcode';
}
