// The mini-program build's stand-in for console-qr-login.h5.tsx (Taro picks the `.h5` file for
// the H5 build): the console QR sign-in exists only in the browser, so the QR library stays out
// of the mini-program's main package.
type Props = { onSignedIn: () => void };

export function ConsoleQrLogin(_props: Props) {
  return null;
}
