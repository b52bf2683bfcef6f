import { h5Size, kb } from '../bench/bundle-size';
const s = h5Size(process.argv[2]!);
console.log(s && `${s.jsFiles} JS files, ${kb(s.js)} (${kb(s.jsGzip)} gzipped)`);
