// Packs each lazily loaded group of pages into one file (scripts/split-wasm.sh
// runs this after wasm-opt, before minifying):
//
//   node scripts/pack-wasm.mjs <split-dir>
//
// wasm-split-cli writes a module per group and a module of code for each set
// of groups that share it, each fetched as a file of its own: with a group
// per page, a page of the citizen app needed up to 66 files, each
// compressed apart, which measured 10–14 KB more per page than the same
// bytes as one stream (docs/PERFORMANCE.md, session 20). Here every group's
// module and the shared modules it needs become one file,
// `split_<group>_<n>.pack`, their bytes one after another; the loader
// fetches the pack once and hands each module its part, as the response
// `WebAssembly.instantiateStreaming` expects.
//
// A module shared by several groups is in each of their packs: a citizen who
// opens a second group downloads again the part already instantiated (the
// loader instantiates each module once). That costs later navigations some
// bytes, where the first load of every page is what a phone waits for.
//
// The loader (`__wasm_split.js`) is wasm-split-cli 0.2.4's: this script
// reads the statements it writes and fails, naming what it missed, when the
// tool writes them otherwise.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOADER = '__wasm_split.js';

const [dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/pack-wasm.mjs <split-dir>');
  process.exit(2);
}
const fail = (message) => {
  console.error(`pack-wasm: ${message}`);
  process.exit(1);
};

const loaderPath = join(dir, LOADER);
let loader = readFileSync(loaderPath, 'utf8');

// A module's fetcher, as wasm-split-cli writes it for the web: a function
// that starts the fetch and returns the instantiation.
const FETCHER = /\(\) => \{\n    const src = fetch\(new URL\("\.\/([^"]+\.wasm)", import\.meta\.url\)\);\n[^\n]*\n[^\n]*\n\}\n/g;
// `const __chunk_N = makeLoad(<fetcher of ./file.wasm>, []);`
const CHUNK = /const (__chunk_\d+) = makeLoad\(\(\) => \{\n    const src = fetch\(new URL\("\.\/([^"]+\.wasm)", import\.meta\.url\)\);/g;
// `export const <loader> = wrapAsyncCb(makeLoad(<fetcher>, [<chunks>]));`,
// or with the inline fetcher of a group with no code of its own.
const GROUP = /export const (\w+) = wrapAsyncCb\(makeLoad\((\(\) => \{\n[\s\S]*?\n\}\n|\(\) => async \(_imp\) => \(\{\}\)), \[([^\]]*)\]\)\);/g;

const chunkFiles = new Map();
for (const [, name, file] of loader.matchAll(CHUNK)) chunkFiles.set(name, file);

const groups = [...loader.matchAll(GROUP)].map(([statement, name, fetcher, deps]) => {
  const own = new RegExp(FETCHER.source).exec(fetcher)?.[1];
  const chunks = deps.split(',').map((d) => d.trim()).filter(Boolean).map((d) => {
    const file = chunkFiles.get(d);
    if (!file) fail(`${name} needs ${d}, which ${LOADER} does not declare as a chunk`);
    return file;
  });
  return { statement, name, fetcher, deps, files: own ? [...chunks, own] : chunks };
});
if (groups.length === 0) fail(`no group loaders found in ${LOADER}`);
const fetchers = (loader.match(FETCHER) ?? []).length;
const owned = groups.filter((g) => new RegExp(FETCHER.source).test(g.fetcher)).length;
if (fetchers !== chunkFiles.size + owned) {
  fail(`${LOADER} has ${fetchers} module fetchers, of which only ${chunkFiles.size} chunks' and ` +
    `${owned} groups' were recognised`);
}

// Every module's number: a pack names its parts by number, and so does the
// loader.
const ids = new Map();
for (const file of [...chunkFiles.values(), ...groups.flatMap((g) => g.files)]) {
  if (!ids.has(file)) ids.set(file, ids.size);
}

// Each group's pack: a little-endian u32 count n, the n modules' numbers
// and the n modules' lengths (u32 each), then the modules one after
// another. Its loader is pointed at it.
for (const group of groups) {
  if (group.files.length === 0) continue;
  // Named after the group: `__wasm_split_load_<group>_<n>` → `split_<group>_<n>.pack`.
  const packName = `${group.name.replace(/^__wasm_split_load_/, 'split_')}.pack`;
  const parts = group.files.map((file) => readFileSync(join(dir, file)));
  const header = Buffer.alloc(4 * (1 + 2 * parts.length));
  header.writeUInt32LE(parts.length, 0);
  group.files.forEach((file, i) => {
    header.writeUInt32LE(ids.get(file), 4 * (1 + i));
    header.writeUInt32LE(parts[i].length, 4 * (1 + parts.length + i));
  });
  writeFileSync(join(dir, packName), Buffer.concat([header, ...parts]));
  // A function, so that no `$` in the statement is read as a pattern.
  loader = loader.replace(group.statement, () =>
    `export const ${group.name} = wrapAsyncCb(packed("./${packName}", ` +
    `makeLoad(${group.fetcher}, [${group.deps}])));`);
}
loader = loader.replaceAll(FETCHER, (_, file) => `packedFetcher(${ids.get(file)})`);

loader += `
// Added by scripts/pack-wasm.mjs: a group's modules come from its pack.
// \`packed\` wraps a group's load: while it runs (the loads of the group's
// modules start synchronously within it), each module's fetch is answered
// from the group's pack, which is fetched once, on the first such fetch
// (a group already loaded fetches nothing). A failed pack fails the load;
// the next load of the group fetches it again.
let packing = undefined;
function packed(src, load) {
    return () => {
        let pack = undefined;
        packing = (id) => {
            pack ??= fetch(new URL(src, import.meta.url)).then((res) => {
                if (!res.ok) throw new Error(\`\${src}: HTTP \${res.status}\`);
                return res.arrayBuffer();
            }).then(readPack);
            return pack.then((parts) => {
                const part = parts.get(id);
                if (part === undefined) throw new Error(\`module \${id} is not in \${src}\`);
                return new Response(part, { headers: { 'Content-Type': 'application/wasm' } });
            });
        };
        try {
            return load();
        } finally {
            packing = undefined;
        }
    };
}
// A pack's modules by number.
function readPack(bytes) {
    const view = new DataView(bytes);
    const count = view.getUint32(0, true);
    const parts = new Map();
    let offset = 4 * (1 + 2 * count);
    for (let i = 0; i < count; i++) {
        const length = view.getUint32(4 * (1 + count + i), true);
        parts.set(view.getUint32(4 * (1 + i), true), new Uint8Array(bytes, offset, length));
        offset += length;
    }
    return parts;
}
// A module's fetcher: starts its fetch from the pack being loaded, and
// returns its instantiation.
function packedFetcher(id) {
    return () => {
        const src = packing === undefined
            ? Promise.reject(new Error(\`module \${id} was fetched outside a group's load\`))
            : packing(id);
        src.catch(() => {});
        return (imports) => WebAssembly.instantiateStreaming(src, imports);
    };
}
`;
writeFileSync(loaderPath, loader);

// The modules now live in the packs.
const packedFiles = new Set(groups.flatMap((g) => g.files));
for (const name of readdirSync(dir)) {
  if (packedFiles.has(name)) rmSync(join(dir, name));
}
const unpacked = [...chunkFiles.values()].filter((file) => !packedFiles.has(file));
if (unpacked.length > 0) fail(`chunks no group needs: ${unpacked.join(', ')}`);
console.error(`pack-wasm: ${packedFiles.size} modules in ${groups.filter((g) => g.files.length).length} packs`);
